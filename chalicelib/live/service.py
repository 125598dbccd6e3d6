"""Live channel use cases: what a console needs to connect (`connection`), and the publisher that turns the
events the project already publishes into console messages (`relay`), through the IoT data plane.

One code path in both environments: `iot-data` Publish reaches IoT Core in AWS and, locally, the embedded
broker (the stack relays moto's iot-data publishes to it, as it does for device commands).
"""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.core import aws, clock
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.live import credentials, domain


def audience(who: Identity) -> domain.Audience:
    return domain.Audience(get_settings().park_id, who.enterprise_id)


def connection(who: Identity, token: str) -> dict[str, Any]:
    """URL, credentials and topics for mqtt.js (contract C); locally the user's own token is the password."""
    mine = audience(who)
    return {**credentials.issue(who, token, get_settings()), "topics": [f"{mine.base}/#", *mine.topics()]}


def publish(type_: str, op: str, item_id: str, enterprise_id: str | None, data: dict[str, Any], **extra: Any) -> None:
    """One change to the park's topic and its enterprise's (QoS 1); a failure is logged, never raised: the
    console falls back to polling, the change itself is stored."""
    owner = None if enterprise_id in (None, "", PARK) else enterprise_id
    payload = orjson.dumps({**domain.message(type_, op, item_id, owner, clock.iso(clock.now_ms()), data), **extra})
    for topic in domain.destinations(get_settings().park_id, type_, owner):
        try:
            aws.client("iot-data").publish(topic=topic, qos=1, payload=payload)
        except Exception:
            logger.exception("live publish failed", extra={"topic": topic, "id": item_id})


def relay(message: dict[str, Any], attributes: dict[str, str]) -> None:
    """An `alarm-events` topic message (alarm events and risk colour changes) to the consoles."""
    if "alarm" in message:
        alarm = message["alarm"]
        op = domain.alarm_op(message.get("type", ""), alarm.get("state", ""))
        publish("alarm", op, alarm["id"], alarm.get("enterprise_id"), alarm, event=message.get("type"))
    elif message.get("type") == "risk_changed":
        scope = message["scope"]
        data = {k: message.get(k) for k in ("scope", "name", "from", "to", "label", "reasons")}
        owner = attributes.get("enterprise_id") or None
        publish("risk", "changed", scope, owner, {**data, "enterprise_id": owner, "level": message.get("to")})
