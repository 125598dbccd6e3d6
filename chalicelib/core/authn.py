"""Who is calling, in each auth mode, and which API Gateway authorizer fronts the non-public routes.

- local: the embedded issuer's RS256 token in `Authorization`, verified here (core.tokens);
- cognito: API Gateway's Cognito authorizer verified the token; its claims must come from an ID token;
- oidc: the Lambda authorizer (core.authorizer) verified the token against the provider's JWKS and handed
  over the mapped claims (CONTEXT_CLAIMS); the token's expiry is checked again here because API Gateway
  caches an Allow for the authorizer's TTL.
Every mode ends in `identity.from_claims`, so tenancy rules (an enterprise or an explicit park scope) hold
whatever the provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.identity import ClaimNames, Identity, from_claims, group_names
from chalicelib.core.settings import Settings

WRONG_TOKEN_USE = errors.define(
    "WRONG_TOKEN_USE",
    401,
    "请使用 ID 令牌访问接口",
    "Cognito mode: the token's token_use is not `id` (an access token carries no tenancy claims).",
)
# The oidc authorizer's context, read back by the API function (API Gateway passes flat strings/numbers).
CONTEXT_CLAIMS = ClaimNames(subject="sub", groups="groups", enterprise="enterprise_id", scope="scope", name="name")
EXP_LEEWAY_S = 5


def gateway_authorizer(settings: Settings) -> Any:
    """The chalice authorizer every non-public route declares, or None (local mode, or not packaging)."""
    from chalice import CognitoUserPoolAuthorizer, CustomAuthorizer

    if settings.auth_mode == "cognito" and settings.cognito_user_pool_arn:
        return CognitoUserPoolAuthorizer("cognito", provider_arns=[settings.cognito_user_pool_arn])
    if settings.auth_mode == "oidc" and settings.oidc_authorizer_uri:
        uri, ttl = settings.oidc_authorizer_uri, settings.oidc_authorizer_ttl_s
        return CustomAuthorizer("oidc", authorizer_uri=uri, ttl_seconds=ttl)
    return None


def authorizer_context(claims: Mapping[str, Any], names: ClaimNames) -> dict[str, str | int]:
    """The provider's claims, under its configured names, as the flat context the API function reads."""
    return {
        CONTEXT_CLAIMS.subject: str(claims.get(names.subject) or ""),
        CONTEXT_CLAIMS.groups: " ".join(group_names(claims.get(names.groups))),
        CONTEXT_CLAIMS.enterprise: str(claims.get(names.enterprise) or ""),
        CONTEXT_CLAIMS.scope: str(claims.get(names.scope) or ""),
        CONTEXT_CLAIMS.name: str(claims.get(names.name) or ""),
        "exp": int(claims.get("exp") or 0),
    }


def identify(headers: Mapping[str, str], context: Mapping[str, Any] | None, settings: Settings) -> Identity:
    """The caller of one request, or an AppError (401 for the token, 403 for the account's scope)."""
    authorizer = (context or {}).get("authorizer") or {}
    if settings.auth_mode == "cognito":
        claims = authorizer.get("claims")
        if not claims:
            raise errors.UNAUTHENTICATED(details={"reason": "no authorizer claims"})
        if claims.get("token_use") != "id":
            raise WRONG_TOKEN_USE(details={"token_use": str(claims.get("token_use") or "")})
        return from_claims(claims)
    if settings.auth_mode == "oidc":
        if not authorizer.get(CONTEXT_CLAIMS.subject):
            raise errors.UNAUTHENTICATED(details={"reason": "no authorizer context"})
        try:
            exp_ms = int(authorizer.get("exp") or 0) * 1000
        except (TypeError, ValueError):
            exp_ms = 0
        if exp_ms + EXP_LEEWAY_S * 1000 <= clock.now_ms():  # an Allow cached past the token's life
            raise errors.TOKEN_EXPIRED()
        return from_claims(authorizer, CONTEXT_CLAIMS)
    from chalicelib.core.tokens import bearer, verify_local

    return from_claims(verify_local(bearer(headers), settings))
