"""Identity, errors and health through the real routes (moto behind them)."""

from __future__ import annotations

import time

import jwt

from tests.conftest import ISSUER


def test_health_needs_no_token_and_reports_every_dependency(api):
    r = api.get("/health")
    assert r.status_code == 200
    assert r.json["status"] == "ok"
    assert set(r.json["checks"]) == {"dynamodb", "sns", "sqs", "stepfunctions"}
    assert all(c["ok"] for c in r.json["checks"].values())
    assert r.json["version"]


def test_missing_token_is_401_with_the_error_shape(api):
    r = api.get("/me")
    assert r.status_code == 401
    assert set(r.json) == {"code", "message", "details", "request_id"}
    assert r.json["code"] == "UNAUTHENTICATED"
    assert r.headers["X-Request-Id"] == r.json["request_id"]


def test_expired_token_is_401_token_expired(api):
    token = ISSUER.token("u-old", ["park_admin"], ttl_s=-60)
    r = api.get("/me", token=token)
    assert r.status_code == 401
    assert r.json["code"] == "TOKEN_EXPIRED"


def test_forged_token_signed_by_another_key_is_401(api):
    from local.issuer import Issuer

    forged = Issuer.generate().token("mallory", ["park_admin"])
    r = api.get("/me", token=forged)
    assert r.status_code == 401 and r.json["code"] == "UNAUTHENTICATED"


def test_unsigned_token_is_401(api):
    now = int(time.time())
    unsigned = jwt.encode(
        {
            "sub": "x",
            "cognito:groups": ["park_admin"],
            "aud": "chempark-api",
            "iss": "https://auth.chempark.local",
            "iat": now,
            "exp": now + 60,
        },
        None,
        algorithm="none",
    )
    assert api.get("/me", token=unsigned).status_code == 401


def test_tampered_payload_is_401(api):
    token = ISSUER.token("u1", ["inspector"])
    header, payload, signature = token.split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["cognito:groups"] = ["park_admin"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    r = api.get("/me", token=f"{header}.{forged_payload}.{signature}")
    assert r.status_code == 401


def test_wrong_audience_is_401(api):
    token = ISSUER.token("u1", ["park_admin"], audience="another-api")
    assert api.get("/me", token=token).status_code == 401


def test_me_reports_roles_and_enterprise_scope(api):
    r = api.get("/me", role="enterprise_manager", enterprise_id="ent_A")
    assert r.status_code == 200, r.json
    assert r.json["roles"] == ["enterprise_manager"]
    assert r.json["enterprise_id"] == "ent_A"


def test_enterprise_role_without_enterprise_claim_is_rejected(api):
    r = api.get("/me", role="enterprise_manager")
    assert r.status_code == 403
    assert r.json["code"] == "UNBOUND_ACCOUNT"


def test_wrong_role_is_403(api):
    r = api.get("/audit/records", role="duty_officer")
    assert r.status_code == 403
    assert r.json["code"] == "FORBIDDEN"


def test_unknown_query_parameter_is_422_naming_it(api):
    r = api.get("/audit/records?colour=red", role="auditor")
    assert r.status_code == 422
    assert r.json["code"] == "VALIDATION_FAILED"
    assert r.json["details"]["errors"][0]["field"] == "query.colour"


def test_bad_query_value_is_422_naming_it(api):
    r = api.get("/audit/records?limit=0", role="auditor")
    assert r.status_code == 422
    assert r.json["details"]["errors"][0]["field"] == "query.limit"


def test_invalid_cursor_is_400(api):
    r = api.get("/audit/records?cursor=%%%", role="auditor")
    assert r.status_code == 400 and r.json["code"] == "INVALID_CURSOR"
