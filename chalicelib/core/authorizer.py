"""Lambda authorizer (TOKEN type) of `oidc` mode: verify the bearer token, hand its claims to the API function.

API Gateway calls `handler` with `{"type": "TOKEN", "authorizationToken": "Bearer …", "methodArn": …}`.
A bad token raises `Unauthorized`, which API Gateway answers as 401 in the project's error shape
(infra/gateway.py); a provider outage raises anything else (AUTHORIZER_FAILURE, answered as 503). A good
token gets an Allow for the whole stage, since API Gateway caches the answer per token for every route, and
the mapped claims as context. Roles, tenancy and the park-scope rule are decided by the API function
(core.authn.identify), which answers with the project's own codes.

This module is a Lambda entry point of its own (infra/oidc.py): it imports no context and no Chalice app.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import errors, oidc
from chalicelib.core.authn import authorizer_context
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings

UNAUTHORIZED = "Unauthorized"  # the exact message API Gateway turns into a 401


def _token(value: Any) -> str:
    scheme, _, token = str(value or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def stage_resources(method_arn: str) -> str:
    """`arn:…:execute-api:region:account:api/stage/VERB/path` -> `arn:…:api/stage/*` (every route)."""
    arn, _, path = method_arn.partition("/")
    stage = path.split("/", 1)[0]
    return f"{arn}/{stage}/*"


def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    settings = get_settings()
    token = _token(event.get("authorizationToken"))
    if not token:
        raise Exception(UNAUTHORIZED)  # API Gateway matches this exact message
    try:
        claims = oidc.verify(token, settings)
    except errors.AppError as exc:
        if exc.status != 401:
            raise
        logger.info("token refused", extra={"code": exc.code, "reason": exc.details.get("reason", "")})
        raise Exception(UNAUTHORIZED) from exc
    context = authorizer_context(claims, oidc.claim_names(settings))
    return {
        "principalId": context["sub"] or "unknown",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": stage_resources(event["methodArn"])}
            ],
        },
        "context": context,
    }
