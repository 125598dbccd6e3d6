"""OIDC bearer tokens: verified against the provider's JWKS (PyJWKClient), algorithms pinned, iss/aud/exp required.

Used by the Lambda authorizer of `oidc` mode (core.authorizer), for regions without Cognito user pools.
PyJWT and cryptography are imported on first use only: `import app` never pays for them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chalicelib.core import errors
from chalicelib.core.identity import ClaimNames
from chalicelib.core.settings import Settings

# Asymmetric only. HS* would let anyone holding the (public) verification key sign; "none" signs nothing.
ALGORITHMS = ("RS256", "ES256")
_KEY_TYPES = {"RS256": "RSA", "ES256": "EC"}  # the JWK kty each pinned algorithm must be verified with
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud"]
LEEWAY_S = 5
JWKS_LIFESPAN_S = 300  # key rotation reaches us within this; an unknown kid forces a refresh sooner
JWKS_REFRESH_MIN_S = 30  # tokens with made-up kids force a JWKS fetch at most this often
JWKS_TIMEOUT_S = 3  # the authorizer must answer well inside API Gateway's limit


def jwks_url(settings: Settings) -> str:
    return settings.oidc_jwks_url or f"{settings.oidc_issuer.rstrip('/')}/.well-known/jwks.json"


def claim_names(settings: Settings) -> ClaimNames:
    return ClaimNames(
        subject=settings.oidc_subject_claim,
        groups=settings.oidc_groups_claim,
        enterprise=settings.oidc_enterprise_claim,
        scope=settings.oidc_scope_claim,
        name=settings.oidc_name_claim,
    )


@lru_cache(maxsize=4)
def _client(url: str) -> Any:
    """One JWKS client per URL for the life of the process: its cache is what keeps the provider unloaded."""
    from jwt import PyJWKClient

    return PyJWKClient(url, lifespan=JWKS_LIFESPAN_S, timeout=JWKS_TIMEOUT_S, cooldown_duration=JWKS_REFRESH_MIN_S)


def verify(token: str, settings: Settings) -> dict[str, Any]:
    """The token's claims if its signature, algorithm, issuer, audience and lifetime hold.

    Raises UNAUTHENTICATED or TOKEN_EXPIRED for a bad token, DEPENDENCY_UNAVAILABLE when the JWKS cannot
    be fetched (an outage of the provider is not the caller's fault).
    """
    import jwt

    if not (settings.oidc_issuer and settings.oidc_audience):
        # A deployment fault, not the caller's: fail loudly (authorizer error, Lambda Errors alarm).
        raise RuntimeError("oidc mode needs CHEMPARK_OIDC_ISSUER and CHEMPARK_OIDC_AUDIENCE")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise errors.UNAUTHENTICATED(details={"reason": "malformed token"}) from exc
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise errors.UNAUTHENTICATED(details={"reason": f"algorithm {alg!r} not accepted"})
    if not isinstance(kid, str) or not kid:
        raise errors.UNAUTHENTICATED(details={"reason": "no kid in token header"})
    try:
        # An unknown kid refreshes the set (a rotated key), at most once per cooldown however many arrive.
        key = _client(jwks_url(settings)).get_signing_key(kid)
    except jwt.PyJWKClientConnectionError as exc:
        raise errors.DEPENDENCY_UNAVAILABLE(details={"reason": "jwks unreachable"}) from exc
    except jwt.PyJWKClientError as exc:  # unknown kid, or no usable key in the set
        raise errors.UNAUTHENTICATED(details={"reason": "no signing key for kid"}) from exc
    if key.key_type != _KEY_TYPES[alg]:
        raise errors.UNAUTHENTICATED(details={"reason": f"key {kid} is not a {_KEY_TYPES[alg]} key"})
    try:
        return jwt.decode(
            token,
            key.key,
            algorithms=[alg],
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            options={"require": REQUIRED_CLAIMS},
            leeway=LEEWAY_S,
        )
    except jwt.ExpiredSignatureError as exc:
        raise errors.TOKEN_EXPIRED() from exc
    except jwt.PyJWTError as exc:
        raise errors.UNAUTHENTICATED(details={"reason": type(exc).__name__}) from exc
