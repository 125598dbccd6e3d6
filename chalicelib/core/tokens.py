"""Bearer-token verification for the local issuer (RS256: signature, expiry, issuer, audience).

In AWS the API Gateway Cognito authorizer verifies the token and this module only reads its claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.core import errors
from chalicelib.core.settings import Settings


def bearer(headers: Mapping[str, str]) -> str:
    """The token of an `Authorization: Bearer <token>` header, or UNAUTHENTICATED."""
    value = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.UNAUTHENTICATED(details={"reason": "missing bearer token"})
    return token.strip()


def verify_local(token: str, settings: Settings) -> dict[str, Any]:
    """Verify a token signed by the local issuer; raise UNAUTHENTICATED or TOKEN_EXPIRED."""
    import jwt  # local and test only: production tokens are verified by API Gateway

    if not settings.jwt_public_key:
        raise errors.UNAUTHENTICATED(details={"reason": "no issuer key configured"})
    try:
        return jwt.decode(
            token,
            settings.jwt_public_key,
            algorithms=["RS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            leeway=5,
        )
    except jwt.ExpiredSignatureError as exc:
        raise errors.TOKEN_EXPIRED() from exc
    except jwt.PyJWTError as exc:
        raise errors.UNAUTHENTICATED(details={"reason": type(exc).__name__}) from exc
