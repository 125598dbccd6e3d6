"""Claims -> Identity in every auth mode: ID tokens only in cognito mode, tenancy always explicit (finding 14)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from chalice import CognitoUserPoolAuthorizer, CustomAuthorizer

from chalicelib.core import authn
from chalicelib.core.errors import AppError
from chalicelib.core.identity import ClaimNames, Role, from_claims
from chalicelib.core.settings import Settings

COGNITO = Settings(auth_mode="cognito")
OIDC = Settings(auth_mode="oidc")


def _code(fn: Any, *args: Any) -> tuple[str, int]:
    with pytest.raises(AppError) as caught:
        fn(*args)
    return caught.value.code, caught.value.status


def _cognito_context(**claims: Any) -> dict[str, Any]:
    # What API Gateway's Cognito authorizer hands the function: groups flattened into one string.
    return {"authorizer": {"claims": {"sub": "u1", "cognito:groups": "[duty_officer]", **claims}}}


def test_park_level_account_needs_the_explicit_park_claim():
    claims = {"sub": "u1", "cognito:groups": ["duty_officer"]}
    assert _code(from_claims, claims) == ("ACCOUNT_SCOPE_INVALID", 403)
    park = from_claims({**claims, "custom:scope": "park"})
    assert park.enterprise_id is None and park.roles == {Role.DUTY_OFFICER}
    assert park.can_see("any-enterprise")


def test_enterprise_claim_scopes_any_role_and_excludes_the_park_claim():
    bound = from_claims({"sub": "u1", "cognito:groups": ["duty_officer"], "custom:enterprise_id": "E1"})
    assert bound.enterprise_id == "E1" and not bound.can_see("E2")
    both = {"sub": "u1", "cognito:groups": ["duty_officer"], "custom:enterprise_id": "E1", "custom:scope": "park"}
    assert _code(from_claims, both) == ("ACCOUNT_SCOPE_INVALID", 403)


def test_unknown_scope_value_and_unbound_enterprise_role_are_refused():
    odd = {"sub": "u1", "cognito:groups": ["park_admin"], "custom:scope": "global"}
    assert _code(from_claims, odd) == ("ACCOUNT_SCOPE_INVALID", 403)
    manager = {"sub": "u1", "cognito:groups": ["enterprise_manager"], "custom:scope": "park"}
    assert _code(from_claims, manager) == ("UNBOUND_ACCOUNT", 403)
    assert _code(from_claims, {"cognito:groups": ["park_admin"], "custom:scope": "park"})[0] == "UNAUTHENTICATED"


def test_claim_names_are_configurable():
    names = ClaimNames(subject="uid", groups="roles", enterprise="org", scope="level", name="display")
    identity = from_claims({"uid": "u9", "roles": ["auditor", "nonsense"], "level": "park", "display": "审计"}, names)
    assert (identity.subject, identity.roles, identity.name) == ("u9", {Role.AUDITOR}, "审计")
    assert from_claims({"uid": "u9", "roles": "analyst", "org": "E7"}, names).enterprise_id == "E7"


def test_cognito_mode_accepts_only_id_tokens():
    ok = authn.identify({}, _cognito_context(token_use="id", **{"custom:scope": "park"}), COGNITO)
    assert ok.roles == {Role.DUTY_OFFICER} and ok.enterprise_id is None
    for token_use in (None, "access", "refresh", ""):
        claims = {"custom:scope": "park"} | ({"token_use": token_use} if token_use is not None else {})
        assert _code(authn.identify, {}, _cognito_context(**claims), COGNITO) == ("WRONG_TOKEN_USE", 401)
    assert _code(authn.identify, {}, {}, COGNITO) == ("UNAUTHENTICATED", 401)


def test_cognito_mode_refuses_a_park_level_role_without_the_park_claim():
    assert _code(authn.identify, {}, _cognito_context(token_use="id"), COGNITO) == ("ACCOUNT_SCOPE_INVALID", 403)
    enterprise = _cognito_context(token_use="id", **{"custom:enterprise_id": "E1"})
    assert authn.identify({}, enterprise, COGNITO).enterprise_id == "E1"


def _oidc_context(**extra: Any) -> dict[str, Any]:
    base = {"sub": "u2", "groups": "park_admin", "enterprise_id": "", "scope": "park", "name": "王工"}
    return {"authorizer": {**base, "exp": int(time.time()) + 600, "principalId": "u2", **extra}}


def test_oidc_mode_reads_the_authorizer_context_and_rechecks_expiry():
    identity = authn.identify({}, _oidc_context(), OIDC)
    assert (identity.subject, identity.roles, identity.name) == ("u2", {Role.PARK_ADMIN}, "王工")
    # API Gateway may serve a cached Allow after the token died: the function still refuses it.
    assert _code(authn.identify, {}, _oidc_context(exp=int(time.time()) - 60), OIDC) == ("TOKEN_EXPIRED", 401)
    assert _code(authn.identify, {}, _oidc_context(exp="junk"), OIDC) == ("TOKEN_EXPIRED", 401)
    assert _code(authn.identify, {}, {}, OIDC) == ("UNAUTHENTICATED", 401)
    assert _code(authn.identify, {}, _oidc_context(scope=""), OIDC) == ("ACCOUNT_SCOPE_INVALID", 403)


def test_local_mode_ignores_any_authorizer_context():
    # A request that claims an authorizer context in local mode still needs the issuer's token.
    assert _code(authn.identify, {}, _oidc_context(), Settings(auth_mode="local"))[0] == "UNAUTHENTICATED"


def test_each_mode_declares_its_own_gateway_authorizer():
    pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x"
    cognito = authn.gateway_authorizer(Settings(auth_mode="cognito", cognito_user_pool_arn=pool))
    assert isinstance(cognito, CognitoUserPoolAuthorizer)
    fn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:chempark-prod-oidc-authorizer"
    uri = f"arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/{fn}/invocations"
    custom = authn.gateway_authorizer(Settings(auth_mode="oidc", oidc_authorizer_uri=uri, oidc_authorizer_ttl_s=60))
    assert isinstance(custom, CustomAuthorizer)
    swagger = custom.to_swagger()["x-amazon-apigateway-authorizer"]
    assert swagger["authorizerUri"] == uri
    assert swagger["authorizerResultTtlInSeconds"] == 60 and swagger["type"] == "token"
    assert authn.gateway_authorizer(Settings(auth_mode="oidc")) is None  # not packaging: no ARN
    assert authn.gateway_authorizer(Settings(auth_mode="local", cognito_user_pool_arn=pool)) is None
