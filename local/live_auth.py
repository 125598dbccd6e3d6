"""Browsers on the embedded broker's WebSocket listener (the live channel, docs/adr/0006-live-channel.md).

A browser has no client certificate: it signs in with the user's bearer token from the local issuer as the MQTT
password, verified as the API verifies it (core.tokens, core.identity). It may only subscribe and receive, within
its audience (`chalicelib.live.domain.Audience`: park roles `live/park/<park>/#`, an enterprise's users
`live/enterprise/<their id>/#`), under a client id starting with `web-` (never a gateway's or a service's).
"""

from __future__ import annotations

import logging

from chalicelib.core import errors
from chalicelib.core.identity import from_claims
from chalicelib.core.settings import get_settings
from chalicelib.core.tokens import verify_local
from chalicelib.live.domain import Audience

log = logging.getLogger(__name__)
BROWSER = "browser"
CLIENT_PREFIX = "web-"


def audience_of(enterprise_id: str | None) -> Audience:
    return Audience(get_settings().park_id, enterprise_id)


def verify(username: str | None, password: str | bytes | None) -> tuple[str, str | None] | None:
    """(subject, enterprise id or None for park roles) of a valid token whose user is `username`; else None."""
    token = password.decode() if isinstance(password, bytes) else password
    if not token:
        return None
    try:
        who = from_claims(verify_local(token, get_settings()))
    except errors.AppError as exc:
        log.warning("refused browser MQTT client %r: %s", username, exc.code)
        return None
    if username and username != who.subject:
        log.warning("refused browser MQTT client: username %r is not the token's user", username)
        return None
    return who.subject, who.enterprise_id


def may_connect(client_id: str | None) -> bool:
    return bool(client_id) and str(client_id).startswith(CLIENT_PREFIX) and len(str(client_id)) <= 128


def may_subscribe(enterprise_id: str | None, topic_filter: str) -> bool:
    return audience_of(enterprise_id).may_subscribe(topic_filter)


def may_receive(enterprise_id: str | None, topic: str) -> bool:
    return audience_of(enterprise_id).may_receive(topic)
