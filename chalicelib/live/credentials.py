"""How a browser connects to the live channel, per environment; the console's code is the same for both.

- local (embedded issuer): the embedded broker's WebSocket listener; username = the user, password = the
  user's own bearer token, which the broker verifies like the API does (local/live_auth.py).
- cognito: AWS IoT Core over WSS. The user's ID token is exchanged at the Cognito identity pool for
  short-lived credentials of the pool's authenticated role (its policy scopes subscriptions by the token's
  enterprise or park claim, infra/live.py); the URL is SigV4-presigned with them, so mqtt.js needs no AWS SDK.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from chalicelib.core import aws, catalog, errors
from chalicelib.core.identity import Identity
from chalicelib.core.settings import Settings

LIVE_UNAVAILABLE = errors.define(
    "LIVE_UNAVAILABLE",
    503,
    "实时推送通道未配置，请使用轮询",
    "No live channel configured (local: the stack's WebSocket listener; AWS: the identity pool).",
)
PRESIGN_TTL_S = 3600  # the signed URL's life; mqtt.js asks again on reconnect


def _expiry(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="seconds")


def _client_id(who: Identity) -> str:
    return f"web-{who.subject[:40]}-{secrets.token_hex(4)}"


def issue(who: Identity, token: str, settings: Settings) -> dict[str, Any]:
    if settings.auth_mode == "local":
        return _local(who, token, settings)
    return _iot_core(who, token, settings)


def _local(who: Identity, token: str, settings: Settings) -> dict[str, Any]:
    if not settings.live_url:
        raise LIVE_UNAVAILABLE()
    from chalicelib.core.tokens import verify_local

    claims = verify_local(token, settings)
    return {
        "url": settings.live_url,
        "client_id": _client_id(who),
        "username": who.subject,
        "password": token,
        "expires_at": _expiry(float(claims["exp"])),
    }


_POOL: dict[str, tuple[str, str]] = {}  # identity pool name -> (id, login provider), once per container


def _identity_pool() -> tuple[str, str]:
    """The stack's identity pool (infra/live.py) by its name, and the user pool it trusts."""
    name = catalog.resource_name("live").replace("-", "_")
    if name not in _POOL:
        cognito = aws.client("cognito-identity")
        pools = cognito.list_identity_pools(MaxResults=60)["IdentityPools"]
        pool_id = next((p["IdentityPoolId"] for p in pools if p["IdentityPoolName"] == name), None)
        if pool_id is None:
            raise LIVE_UNAVAILABLE(details={"identity_pool": name})
        providers = cognito.describe_identity_pool(IdentityPoolId=pool_id).get("CognitoIdentityProviders") or []
        if not providers:
            raise LIVE_UNAVAILABLE(details={"identity_pool": name})
        _POOL[name] = (pool_id, providers[0]["ProviderName"])
    return _POOL[name]


def _iot_core(who: Identity, token: str, settings: Settings) -> dict[str, Any]:
    if not settings.iot_data_endpoint:
        raise LIVE_UNAVAILABLE()
    from botocore.auth import SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    pool_id, provider = _identity_pool()
    cognito = aws.client("cognito-identity")
    identity_id = cognito.get_id(IdentityPoolId=pool_id, Logins={provider: token})["IdentityId"]
    # IoT Core also checks an IoT policy on a Cognito identity: the live topics only (the role narrows them).
    aws.client("iot").attach_policy(policyName=catalog.resource_name("live-console"), target=identity_id)
    creds = cognito.get_credentials_for_identity(IdentityId=identity_id, Logins={provider: token})["Credentials"]
    host = settings.iot_data_endpoint.removeprefix("https://").rstrip("/")
    request = AWSRequest(method="GET", url=f"wss://{host}/mqtt")
    signer = SigV4QueryAuth(
        Credentials(creds["AccessKeyId"], creds["SecretKey"]), "iotdevicegateway", settings.region, PRESIGN_TTL_S
    )
    signer.add_auth(request)
    url = request.url  # IoT Core wants the session token appended after signing, not signed
    url += "&X-Amz-Security-Token=" + _quote(creds["SessionToken"])
    expires = min(creds["Expiration"].timestamp(), datetime.now(UTC).timestamp() + PRESIGN_TTL_S)
    # IoT Core's policy binds the client id to the Cognito identity (infra/live.py).
    return {"url": url, "client_id": identity_id, "username": "", "password": "", "expires_at": _expiry(expires)}


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
