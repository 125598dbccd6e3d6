"""Device commands: MQTT publish through iot-data, one record per command (sent -> acked | failed | timeout),
acknowledgements from `park/{enterprise_id}/acks`, and the timeout sweep. In a drill nothing is published."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.core import aws, clock
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger, metrics
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.linkage import domain, store


def topic(enterprise_id: str | None, device_id: str) -> str:
    return f"park/{enterprise_id or PARK}/commands/{device_id}"


def send(event: dict[str, Any], device: dict[str, Any], action: dict[str, Any], rule_id: str, fault: bool) -> dict:
    """Record then publish one command. Drill (演练): recorded as `simulated` and never published, so no
    real device moves; an injected device fault keeps it pending, so the sweep times it out as a real one would."""
    name, params = domain.command(action, event)
    owner, drill, now = device.get("enterprise_id") or PARK, bool(event["drill"]), clock.now_ms()
    command_id = domain.command_id(event["incident_id"], device["id"], name, params)
    payload = {
        "command_id": command_id,
        "incident_id": event["incident_id"],
        "command": name,
        "params": params,
        "issued_ms": now,
        "ack_topic": f"park/{owner}/acks",
    }
    doc = {
        "command": name,
        "params": params,
        "topic": topic(owner, device["id"]),
        "rule_id": rule_id,
        "action": action["kind"],
        "device_kind": device["kind"],
        "device_name": device["name"],
        "location": device["location"],
        "drill": drill,
        "fault": fault,
        "incident_enterprise_id": event.get("enterprise_id"),
    }
    item = store.CommandModel(
        command_id,
        incident_id=event["incident_id"],
        enterprise_id=owner,
        device_id=device["id"],
        status="simulated" if drill else "sent",
        sent_ms=now,
        pending=store.PENDING if (not drill or fault) else None,
        doc=doc,
    )
    return _store_and_publish(item, doc["topic"], payload, drill)


def _store_and_publish(item: Any, topic_name: str, payload: dict[str, Any], drill: bool) -> dict[str, Any]:
    """Record the command once (a retry finds the first), then publish it unless it is a drill's."""
    command_id = item.command_id
    with conditional() as first:
        item.save(condition=store.CommandModel.command_id.does_not_exist())
    if first.failed:
        return {**store.CommandModel.get(command_id, consistent_read=True).data(), "duplicate": True}
    if drill:
        return item.data()
    try:
        aws.client("iot-data").publish(topic=topic_name, qos=1, payload=orjson.dumps(payload))
        metrics.add_metric(name="LinkageCommandSent", unit="Count", value=1)
    except Exception as exc:  # one unreachable broker must not stop the other devices
        logger.exception("command publish failed", extra={"command_id": command_id, "topic": topic_name})
        _finish(item, "failed", f"指令发布失败：{type(exc).__name__}", ("sent",))
    return item.data()


def device_command(
    ref: str, enterprise_id: str | None, device: dict[str, Any], name: str, params: dict[str, Any]
) -> dict[str, Any]:
    """A command no incident asked for (a gate's decision from the closed-park context): the same record,
    topic, acknowledgement and time-out as linkage commands, once per (`ref`, device, name); `ref` stands where
    an incident id does (`GET /linkage/commands?incident_id=<ref>`)."""
    owner, now = enterprise_id or PARK, clock.now_ms()
    command_id = domain.command_id(ref, device["id"], name, params)
    payload = {
        "command_id": command_id,
        "ref": ref,
        "command": name,
        "params": params,
        "issued_ms": now,
        "ack_topic": f"park/{owner}/acks",
    }
    doc = {
        "command": name,
        "params": params,
        "topic": topic(owner, device["id"]),
        "rule_id": None,
        "action": name,
        "device_kind": device["kind"],
        "device_name": device.get("name", device["id"]),
        "location": device.get("location"),
        "drill": False,
        "fault": False,
        "incident_enterprise_id": owner,
    }
    item = store.CommandModel(
        command_id,
        incident_id=ref,
        enterprise_id=owner,
        device_id=device["id"],
        status="sent",
        sent_ms=now,
        pending=store.PENDING,
        doc=doc,
    )
    return _store_and_publish(item, doc["topic"], payload, False)


def _finish(item: Any, status: str, detail: str, allowed: tuple[str, ...], acked: bool = False) -> bool:
    """Move a command out of `allowed` states; False when someone else already did."""
    actions = [
        store.CommandModel.status.set(status),
        store.CommandModel.detail.set(detail),
        store.CommandModel.pending.remove(),
    ]
    if acked:
        actions.append(store.CommandModel.acked_ms.set(clock.now_ms()))
    with conditional() as write:
        item.update(actions=actions, condition=store.CommandModel.status.is_in(*allowed))
    return not write.failed


def acknowledge(command_id: str, status: str, detail: str, enterprise_id: str | None) -> str:
    """Apply one device acknowledgement; returns what happened (acked, failed, unknown, foreign, duplicate...)."""
    try:
        item = store.CommandModel.get(command_id, consistent_read=True)
    except DoesNotExist:
        return "unknown"
    if enterprise_id != item.enterprise_id:
        # The topic names the sender's enterprise (the device policy pins it): a device cannot ack another's command.
        logger.warning("ack from another enterprise", extra={"command_id": command_id, "from": enterprise_id})
        return "foreign"
    if item.status == "simulated":
        return "ignored"  # a drill command never reached a device
    new = "acked" if status == "ok" else "failed"
    late = item.status == "timeout"
    text = detail or ("设备已执行" if new == "acked" else "设备执行失败")
    if not _finish(item, new, f"{text}（超时后确认）" if late else text, ("sent", "timeout"), acked=True):
        return "duplicate"
    metrics.add_metric(name=f"LinkageCommand{new.capitalize()}", unit="Count", value=1)
    return new


def handle_acks(records: list[tuple[str, str]]) -> list[str]:
    """SQS batch of rule outputs `{command_id, status, detail, _topic_enterprise}`; returns the ids to retry.
    A malformed, forged or unknown acknowledgement is logged and dropped: retrying it could never succeed.
    The enterprise is the topic's (iot_rules/command_acks.json); a payload that carried that key is forged."""
    retry = []
    for message_id, body in records:
        try:
            doc = orjson.loads(body)
            command_id, status = str(doc["command_id"]), str(doc.get("status", "ok"))
            sender = doc["_topic_enterprise"]
            if "_payload_topic_enterprise" in doc or not isinstance(sender, str):
                raise TypeError("reserved key in the payload")
        except (orjson.JSONDecodeError, KeyError, TypeError):
            logger.warning("malformed or forged command ack", extra={"message_id": message_id})
            continue
        try:
            outcome = acknowledge(command_id, status, str(doc.get("detail") or ""), sender)
            logger.info("command ack", extra={"command_id": command_id, "outcome": outcome})
        except Exception:
            logger.exception("command ack failed", extra={"message_id": message_id})
            retry.append(message_id)
    return retry


def sweep_timeouts() -> dict[str, int]:
    """Commands still unacknowledged `command_timeout_s` after sending become `timeout` (the minute schedule)."""
    limit = get_settings().command_timeout_s
    cutoff = clock.now_ms() - limit * 1000
    timed_out = 0
    for item in store.CommandModel.by_pending.query(store.PENDING, store.CommandModel.sent_ms <= cutoff):
        drill = item.status == "simulated"
        detail = f"{'演练注入故障：' if drill else ''}设备未在 {limit} 秒内确认"
        if _finish(item, "timeout", detail, ("sent", "simulated")):
            timed_out += 1
    if timed_out:
        metrics.add_metric(name="LinkageCommandTimeout", unit="Count", value=timed_out)
    return {"timed_out": timed_out}


def search(
    who: Identity, incident_id: str | None, enterprise_id: str | None, status: str | None, limit: int
) -> list[dict[str, Any]]:
    """Commands of an incident, of an enterprise's devices, or the latest; enterprise users see their devices only."""
    scope = who.scope(enterprise_id)
    if incident_id:
        items: Any = store.CommandModel.by_incident.query(incident_id)
    elif scope:
        items = store.CommandModel.by_enterprise.query(scope, scan_index_forward=False, limit=limit * 4)
    else:
        items = store.CommandModel.scan(limit=2000)
    found = [_view(i.data(), scope) for i in items if (scope is None or i.enterprise_id == scope)]
    found = [c for c in found if status is None or c["status"] == status]
    return sorted(found, key=lambda c: (c["sent_ms"], c["command_id"]), reverse=not incident_id)[:limit]


def _view(command: dict[str, Any], scope: str | None) -> dict[str, Any]:
    """An enterprise sees its devices' commands; when another enterprise's incident caused them (a plume
    crosses fences), that incident and its rule are not named."""
    if scope is not None and command.get("incident_enterprise_id") != scope:
        command.update(incident_id=None, rule_id=None, incident_enterprise_id=None)
    return command
