"""Linkage execution (联动, 5.4.3-2..7): match the rules an incident triggers and run their actions in order.

Device actions publish commands on `park/{enterprise_id}/commands/{device_id}` (commands.py), evacuation_push
notifies the people in the evacuation zone (evacuation.py), screen_highlight puts the incident, its zones and
nearby resources on the command screen (SNS topic `screen-events`). Exercise mode (`drill: true`) is explicit
all the way down: commands are recorded as `simulated` and never published, evacuation texts go through the
drill channel that only records; the screen highlight is published marked as a drill, since a drill is run
from the command screen.
"""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.access import service as access
from chalicelib.core import aws, catalog, clock, errors
from chalicelib.core.identity import PARK, SYSTEM
from chalicelib.core.observability import logger
from chalicelib.linkage import commands, devices, domain, evacuation, ports, rules
from chalicelib.linkage.results import (
    Evacuation,
    Failure,
    Highlight,
    MatchedRule,
    SentCommand,
    TriggerResult,
    evacuation_of,
    sent_command,
)

__all__ = ["Evacuation", "Failure", "Highlight", "MatchedRule", "SentCommand", "TriggerResult"]  # and the functions

LINKAGE_EVENT_INVALID = errors.define(
    "LINKAGE_EVENT_INVALID", 422, "联动事件参数无效", "trigger() got an event without a known type, level or source."
)
NEAREST_RESOURCES = 10

# The SQS and schedule handlers and the routes reach these through this module.
handle_acks = commands.handle_acks
sweep_timeouts = commands.sweep_timeouts
device_command = commands.device_command  # the closed-park context's gate commands (access.ports)


def _normalise(event: dict[str, Any]) -> dict[str, Any]:
    try:
        source = {"lat": float(event["source"]["lat"]), "lon": float(event["source"]["lon"])}
        out = {
            "incident_id": str(event["incident_id"]),
            "type": str(event["type"]),
            "level": domain.level(event["level"]),
            "enterprise_id": event.get("enterprise_id") or None,
            "installation_id": event.get("installation_id") or None,
            "source": source,
            "zones": list(event.get("zones") or []),
            "isolation_radius_m": float(event.get("isolation_radius_m") or 0),
            "drill": bool(event.get("drill", False)),
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise LINKAGE_EVENT_INVALID(details={"reason": f"{type(exc).__name__}: {exc}"}) from exc
    if (
        out["type"] not in domain.EVENT_TYPES + domain.PUBLIC_EVENT_TYPES
        or out["level"] is None
        or not out["incident_id"]
    ):
        raise LINKAGE_EVENT_INVALID(details={"type": out["type"], "level": event.get("level")})
    return out


def trigger(event: dict[str, Any]) -> TriggerResult:
    """Evaluate the linkage rules for an incident and execute their actions; safe to call again (commands are
    keyed per incident and device, evacuation notices per incident and person). One failing action is
    reported in `errors` and does not stop the others."""
    ev = _normalise(event)
    matched = rules.matching(ev)
    faults = {f.get("device") for f in event.get("faults") or [] if f.get("kind") == "device_failure"}
    wants_devices = any(a["kind"] in domain.ACTION_DEVICE for r in matched for a in r["actions"])
    known = devices.all_devices() if wants_devices else []
    if any(a["kind"] == "gate_open" for r in matched for a in r["actions"]):
        known += _gates()
    sent: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    evacuated: dict[str, Any] | None = None
    highlight_wanted = False
    for rule in matched:
        for action in rule["actions"]:
            kind = action["kind"]
            try:
                if kind in domain.ACTION_DEVICE:
                    radius = domain.radius_of(action, rule)
                    hits = domain.targets(known, domain.ACTION_DEVICE[kind], ev, radius)
                    for dist, device in hits[: action.get("nearest")]:  # gate_open: the nearest only
                        command = commands.send(ev, device, action, rule["id"], device["id"] in faults)
                        sent.append({**command, "distance_m": round(dist, 1)})
                elif kind == "evacuation_push" and evacuated is None:  # one evacuation, whichever rule asks first
                    evacuated = evacuation.evacuate(
                        ev["incident_id"],
                        ev["zones"],
                        ev["source"],
                        ev["isolation_radius_m"],
                        ev["drill"],
                        level=action.get("zone_level", "AEGL-2"),
                        enterprise_id=ev["enterprise_id"],
                    )
                elif kind == "screen_highlight":
                    highlight_wanted = True
            except Exception as exc:
                logger.exception("linkage action failed", extra={"rule_id": rule["id"], "action": kind})
                failures.append({"rule_id": rule["id"], "action": kind, "error": type(exc).__name__})
    highlight = None
    if highlight_wanted:  # last, so the screen shows the devices that were commanded
        try:
            highlight = _highlight(ev, sent)
        except Exception as exc:
            logger.exception("screen highlight failed", extra={"incident_id": ev["incident_id"]})
            failures.append({"rule_id": None, "action": "screen_highlight", "error": type(exc).__name__})
    return TriggerResult(
        incident_id=ev["incident_id"],
        drill=ev["drill"],
        rules=tuple(MatchedRule(r["id"], r["name"]) for r in matched),
        commands=tuple(sent_command(c) for c in sent),
        evacuation=evacuation_of(evacuated),
        highlight=None if highlight is None else Highlight(**highlight),
        errors=tuple(Failure(**f) for f in failures),
    )


def _gates() -> list[dict[str, Any]]:
    """The closed park's gates (卡口) beside the linkage devices of kind gate: `gate_open` opens the nearest
    one's barrier. A failure leaves the linkage devices alone to choose from (logged)."""
    try:
        return [gate.public() for gate in access.gate_barriers()]
    except Exception:
        logger.exception("access gates unavailable for gate_open")
        return []


def _nearest_resources(ev: dict[str, Any]) -> list[dict[str, Any]]:
    """The nearest resources as the screen shows them: whole (`public()`), as the resources API gives them."""
    try:
        near = ports.nearest_resources()(ev["source"]["lat"], ev["source"]["lon"], NEAREST_RESOURCES)
        return [r.public() for r in near]
    except Exception:  # the screen still shows the incident without them
        logger.exception("nearest resources unavailable")
        return []


def _highlight(ev: dict[str, Any], sent: list[dict[str, Any]]) -> dict[str, Any]:
    """The command screen's highlight (5.4.3-7): incident point, isolation circle, threat zones, devices,
    nearest emergency resources, as one GeoJSON FeatureCollection on the `screen-events` topic."""
    resources = _nearest_resources(ev)
    extra = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c["location"]["lon"], c["location"]["lat"]]},
            "properties": {
                "role": "device",
                "device_id": c["device_id"],
                "command": c["command"],
                "status": c["status"],
            },
        }
        for c in sent
    ] + [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["location"]["lon"], r["location"]["lat"]]},
            "properties": {"role": "resource", **{k: v for k, v in r.items() if k != "location"}},
        }
        for r in resources
        if r.get("location")
    ]
    message = {
        "type": "incident_highlight",
        "title": ("【演练】" if ev["drill"] else "") + "事故点、影响范围与应急资源",
        "incident_id": ev["incident_id"],
        "event_type": ev["type"],
        "level": ev["level"],
        "enterprise_id": ev["enterprise_id"],
        "drill": ev["drill"],
        "ts": clock.now_ms(),
        "geojson": domain.screen_geojson(ev, extra),
        "resources": resources,
    }
    attributes = {
        "kind": "incident_highlight",
        "incident_id": ev["incident_id"],
        "enterprise_id": ev["enterprise_id"] or PARK,
        "drill": "true" if ev["drill"] else "false",
    }
    reply = aws.client("sns").publish(
        TopicArn=catalog.topic_arn("screen-events"),
        Message=orjson.dumps(message).decode(),
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )
    return {
        "message_id": reply["MessageId"],
        "features": len(message["geojson"]["features"]),
        "resources": len(resources),
    }


def commands_of(incident_id: str) -> list[dict[str, Any]]:
    """Every command of an incident (the incidents context's view of the linkage)."""
    return commands.search(SYSTEM, incident_id, None, None, 500)
