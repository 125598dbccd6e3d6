"""Live channel use cases: what a console needs to connect (`connection`), and the publisher that turns the
alarm events the project already dispatches (and the risk colours they change), and each stored change of a
warning or an incident (their contexts' listener ports), into console messages, through the IoT data plane.

One code path in both environments: `iot-data` Publish reaches IoT Core in AWS and, locally, the embedded
broker (the stack relays moto's iot-data publishes to it, as it does for device commands).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from chalicelib.core import aws, clock
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.live import credentials, domain, ports


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


def on_alarm_events(events: Sequence[Any]) -> None:
    """An `alarms.ports` subscriber, wired after risk's: each alarm event to the consoles, then the risk colour of
    each installation whose colour that recompute changed (its `since` is not older than the batch)."""
    if not events:
        return
    for e in events:
        alarm = e.alarm
        op = domain.alarm_op(e.type, alarm.get("state", ""))
        publish("alarm", op, alarm["id"], alarm.get("enterprise_id"), alarm, event=e.type)
    view, oldest = ports.PORTS.risk_view, min(e.ts for e in events)
    if view is None:
        return
    for installation_id in dict.fromkeys(e.alarm["installation_id"] for e in events if e.alarm.get("installation_id")):
        try:
            risk = view(installation_id, since=oldest)
        except Exception:  # derived data: never block the alarm messages already sent
            logger.exception("live risk read failed", extra={"installation_id": installation_id})
            continue
        if risk is not None:
            publish("risk", "changed", risk.scope, risk.enterprise_id, risk.public())


def on_warning_change(warning: Mapping[str, Any]) -> None:
    """A `warnings.ports` listener: the warning's state (the console reads the rest from `GET /warnings/{id}`)."""
    publish("warning", "updated", str(warning["id"]), warning.get("enterprise_id"), dict(warning))


def on_incident_change(incident: Mapping[str, Any]) -> None:
    """An `incidents.ports` listener: the incident's state, or one command log entry (`log`: kind, text)."""
    publish("incident", "updated", str(incident["id"]), incident.get("enterprise_id"), dict(incident))
