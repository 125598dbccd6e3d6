"""oidc mode: tokens verified against a JWKS served on 127.0.0.1, and the Lambda authorizer around it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from chalicelib.core import authn, authorizer, oidc
from chalicelib.core.errors import AppError
from chalicelib.core.identity import Role
from tests.jwks import Jwks

ISSUER = "https://idp.example.test/realms/park"
AUDIENCE = "chempark-api"
METHOD_ARN = "arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/api/GET/alarms"


@pytest.fixture(scope="module")
def rsa_key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> Any:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def jwks(rsa_key: Any, ec_key: Any) -> Iterator[Jwks]:
    server = Jwks()
    server.publish("rsa-1", rsa_key)
    server.publish("ec-1", ec_key)
    oidc._client.cache_clear()  # a fresh JWKS client per test, as a fresh Lambda container has
    yield server
    server.stop()
    oidc._client.cache_clear()


@pytest.fixture
def settings(jwks: Jwks, monkeypatch: pytest.MonkeyPatch) -> Any:
    from chalicelib.core import settings as settings_module

    env = {
        "CHEMPARK_AUTH_MODE": "oidc",
        "CHEMPARK_OIDC_ISSUER": ISSUER,
        "CHEMPARK_OIDC_AUDIENCE": AUDIENCE,
        "CHEMPARK_OIDC_JWKS_URL": jwks.url,
        "CHEMPARK_OIDC_GROUPS_CLAIM": "realm_roles",
        "CHEMPARK_OIDC_ENTERPRISE_CLAIM": "org",
        "CHEMPARK_OIDC_SCOPE_CLAIM": "park_level",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings_module.reset()
    yield settings_module.get_settings()
    settings_module.reset()


def _claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "sub": "u-oidc",
        "name": "李工",
        "realm_roles": ["duty_officer", "offline_access"],
        "park_level": "park",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(key: Any, alg: str = "RS256", kid: str = "rsa-1", **over: Any) -> str:
    return jwt.encode(_claims(**over), key, algorithm=alg, headers={"kid": kid})


def _refused(token: str, settings: Any) -> tuple[str, str]:
    with pytest.raises(AppError) as caught:
        oidc.verify(token, settings)
    return caught.value.code, str(caught.value.details.get("reason", ""))


def test_a_good_rs256_or_es256_token_is_accepted(settings: Any, rsa_key: Any, ec_key: Any) -> None:
    assert oidc.verify(_sign(rsa_key), settings)["sub"] == "u-oidc"
    assert oidc.verify(_sign(ec_key, "ES256", "ec-1"), settings)["sub"] == "u-oidc"


def test_wrong_issuer_audience_or_lifetime_is_refused(settings: Any, rsa_key: Any) -> None:
    assert _refused(_sign(rsa_key, iss="https://evil.example.test"), settings)[0] == "UNAUTHENTICATED"
    assert _refused(_sign(rsa_key, aud="another-api"), settings)[0] == "UNAUTHENTICATED"
    assert _refused(_sign(rsa_key, exp=int(time.time()) - 60), settings)[0] == "TOKEN_EXPIRED"
    assert _refused(_sign(rsa_key, exp=None), settings)[0] == "UNAUTHENTICATED"  # exp is required
    assert _refused(_sign(rsa_key, iat=None), settings)[0] == "UNAUTHENTICATED"


def test_alg_none_and_hs256_with_the_public_key_are_refused(settings: Any, rsa_key: Any) -> None:
    unsigned = jwt.encode(_claims(), None, algorithm="none", headers={"kid": "rsa-1"})
    assert _refused(unsigned, settings) == ("UNAUTHENTICATED", "algorithm 'none' not accepted")
    # The classic confusion attack: sign HS256 with the published RSA public key as the HMAC secret.
    public_pem = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode()
    payload = json.dumps(_claims()).encode()
    signing_input = f"{jwt.utils.base64url_encode(header).decode()}.{jwt.utils.base64url_encode(payload).decode()}"
    import hashlib
    import hmac

    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{jwt.utils.base64url_encode(mac).decode()}"
    assert _refused(forged, settings) == ("UNAUTHENTICATED", "algorithm 'HS256' not accepted")


def test_unknown_kid_mismatched_key_or_foreign_signature_is_refused(settings: Any, rsa_key: Any) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _refused(_sign(stranger, kid="rsa-9"), settings)[0] == "UNAUTHENTICATED"
    assert _refused(_sign(stranger, kid="rsa-1"), settings)[0] == "UNAUTHENTICATED"  # kid reused, wrong key
    assert _refused(_sign(rsa_key, kid=""), settings)[0] == "UNAUTHENTICATED"
    ec_signed_as_rsa_kid = _sign(ec.generate_private_key(ec.SECP256R1()), "ES256", "rsa-1")
    assert _refused(ec_signed_as_rsa_kid, settings) == ("UNAUTHENTICATED", "key rsa-1 is not a EC key")
    assert _refused("not-a-jwt", settings)[0] == "UNAUTHENTICATED"


def test_made_up_kids_cannot_make_us_hammer_the_provider(settings: Any, jwks: Jwks, rsa_key: Any) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for n in range(20):
        assert _refused(_sign(stranger, kid=f"made-up-{n}"), settings)[0] == "UNAUTHENTICATED"
    assert jwks.fetches <= 2  # the first fetch, at most one forced refresh per cooldown


def test_a_rotated_key_is_picked_up_without_a_restart(
    settings: Any, jwks: Jwks, rsa_key: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert oidc.verify(_sign(rsa_key), settings)
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.publish("rsa-2", rotated)  # the provider rotates; our cached set does not know rsa-2 yet
    token = _sign(rotated, kid="rsa-2")
    assert _refused(token, settings)[0] == "UNAUTHENTICATED"  # within the refresh cooldown of the last fetch
    later = time.monotonic() + oidc.JWKS_REFRESH_MIN_S + 1
    monkeypatch.setattr(jwt.jwks_client.time, "monotonic", lambda: later)
    assert oidc.verify(token, settings)["sub"] == "u-oidc"


def test_an_unreachable_jwks_is_an_outage_not_a_bad_token(settings: Any, jwks: Jwks, rsa_key: Any) -> None:
    jwks.stop()
    assert _refused(_sign(rsa_key), settings)[0] == "DEPENDENCY_UNAVAILABLE"


def test_authorizer_allows_the_whole_stage_and_maps_the_configured_claims(settings: Any, rsa_key: Any) -> None:
    token = _sign(rsa_key, org=None)
    event = {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": METHOD_ARN}
    answer = authorizer.handler(event, None)
    (statement,) = answer["policyDocument"]["Statement"]
    assert statement == {
        "Action": "execute-api:Invoke",
        "Effect": "Allow",
        "Resource": "arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/api/*",
    }
    assert answer["principalId"] == "u-oidc"
    context = answer["context"]
    assert all(isinstance(v, str | int) for v in context.values())  # API Gateway takes flat values only
    identity = authn.identify({}, {"authorizer": context}, settings)
    assert (identity.subject, identity.roles, identity.enterprise_id) == ("u-oidc", {Role.DUTY_OFFICER}, None)
    enterprise = authorizer.handler(
        {"authorizationToken": f"Bearer {_sign(rsa_key, org='E1', park_level=None)}", "methodArn": METHOD_ARN}, None
    )
    assert authn.identify({}, {"authorizer": enterprise["context"]}, settings).enterprise_id == "E1"


def test_authorizer_refuses_bad_tokens_with_unauthorized(settings: Any, rsa_key: Any) -> None:
    for header in ("", "Basic abc", "Bearer ", f"Bearer {_sign(rsa_key, aud='x')}", f"Token {_sign(rsa_key)}"):
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer.handler({"authorizationToken": header, "methodArn": METHOD_ARN}, None)


def test_a_park_level_role_without_the_park_claim_gets_no_further_than_the_api(settings: Any, rsa_key: Any) -> None:
    # The token is genuine, so the authorizer lets it through; the API function refuses the account.
    answer = authorizer.handler(
        {"authorizationToken": f"Bearer {_sign(rsa_key, park_level=None)}", "methodArn": METHOD_ARN}, None
    )
    with pytest.raises(AppError) as caught:
        authn.identify({}, {"authorizer": answer["context"]}, settings)
    assert (caught.value.code, caught.value.status) == ("ACCOUNT_SCOPE_INVALID", 403)


def test_missing_configuration_is_a_deployment_fault(rsa_key: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core.settings import Settings

    with pytest.raises(RuntimeError, match="CHEMPARK_OIDC_ISSUER"):
        oidc.verify(_sign(rsa_key), Settings(auth_mode="oidc"))
