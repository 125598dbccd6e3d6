"""Every auth mode through the real Chalice app: local tokens, Cognito claims, and the oidc authorizer's context.

The cognito and oidc cases invoke the app as API Gateway would (a proxy event whose requestContext carries
what the authorizer produced), since chalice's test client runs neither authorizer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.core import authorizer, oidc
from chalicelib.core import settings as settings_module
from tests.conftest import ISSUER
from tests.jwks import Jwks

OIDC_ISSUER = "https://idp.example.test"


def test_local_token_of_a_park_level_role_without_the_park_claim_is_403(api: Any) -> None:
    token = ISSUER.token("u-unscoped", ["duty_officer"], park_scope=False)
    r = api.get("/me", token=token)
    assert r.status_code == 403
    assert set(r.json) == {"code", "message", "details", "request_id"}
    assert r.json["code"] == "ACCOUNT_SCOPE_INVALID"
    # The local issuer gives park-level users the claim, as the user pool does: they still get in.
    assert api.get("/me", role="duty_officer").status_code == 200


def _proxy_event(path: str, authorizer_context: dict[str, Any]) -> dict[str, Any]:
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": {"Host": "abc123.execute-api.cn-north-1.amazonaws.com.cn"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "GET",
            "requestId": "req-auth-modes",
            "stage": "api",
            "identity": {"sourceIp": "203.0.113.7"},
            "authorizer": authorizer_context,
        },
    }


def _invoke(app: Any, path: str, authorizer_context: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    from chalice.local import LambdaContext

    response = app(_proxy_event(path, authorizer_context), LambdaContext("api_handler", 512))
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def switch(name: str, **env: str) -> None:
        monkeypatch.setenv("CHEMPARK_AUTH_MODE", name)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings_module.reset()

    yield switch
    monkeypatch.undo()
    settings_module.reset()


def test_cognito_mode_refuses_access_tokens_and_unscoped_accounts(app: Any, mode: Any) -> None:
    mode("cognito")
    claims = {"sub": "u-c", "cognito:groups": "[park_admin]", "custom:scope": "park"}
    status, body = _invoke(app, "/me", {"claims": {**claims, "token_use": "id"}})
    assert status == 200 and body["roles"] == ["park_admin"] and body["enterprise_id"] is None
    status, body = _invoke(app, "/me", {"claims": {**claims, "token_use": "access"}})
    assert (status, body["code"], body["request_id"]) == (401, "WRONG_TOKEN_USE", "req-auth-modes")
    unscoped = {"sub": "u-c", "cognito:groups": "[park_admin]", "token_use": "id"}
    status, body = _invoke(app, "/me", {"claims": unscoped})
    assert (status, body["code"]) == (403, "ACCOUNT_SCOPE_INVALID")


def test_oidc_mode_end_to_end_from_token_to_identity(app: Any, mode: Any) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks = Jwks()
    jwks.publish("k1", key)
    oidc._client.cache_clear()
    try:
        mode(
            "oidc",
            CHEMPARK_OIDC_ISSUER=OIDC_ISSUER,
            CHEMPARK_OIDC_AUDIENCE="chempark-api",
            CHEMPARK_OIDC_JWKS_URL=jwks.url,
        )
        now = int(time.time())
        base = {"sub": "u-o", "iss": OIDC_ISSUER, "aud": "chempark-api", "iat": now, "exp": now + 300}
        method_arn = "arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/api/GET/me"

        def authorize(claims: dict[str, Any]) -> dict[str, Any]:
            token = jwt.encode({**base, **claims}, key, algorithm="RS256", headers={"kid": "k1"})
            answer = authorizer.handler({"authorizationToken": f"Bearer {token}", "methodArn": method_arn}, None)
            return answer["context"]

        status, body = _invoke(app, "/me", authorize({"groups": ["commander"], "chempark_scope": "park"}))
        assert status == 200 and body["roles"] == ["commander"]
        status, body = _invoke(app, "/me", authorize({"groups": ["enterprise_manager"], "enterprise_id": "E5"}))
        assert status == 200 and body["enterprise_id"] == "E5"
        status, body = _invoke(app, "/me", authorize({"groups": ["commander"]}))
        assert (status, body["code"]) == (403, "ACCOUNT_SCOPE_INVALID")
        status, body = _invoke(app, "/audit/records", authorize({"groups": ["commander"], "chempark_scope": "park"}))
        assert (status, body["code"]) == (403, "FORBIDDEN")  # roles are still the route's to decide
    finally:
        jwks.stop()
        oidc._client.cache_clear()
