"""Gate events (出入事件, 5.3.1): each decided once (idempotent by gate and device event id), recorded for at
least a year, pushed back to the gate's barrier as an IoT command, moving presence when allowed, and raising an
alarm with the gate's location when denied or black-listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.access import ports, store
from chalicelib.access.domain import Reason, person_key, vehicle_key
from chalicelib.access.domain import gate as gate_rules
from chalicelib.access.schemas.events import GateEvent
from chalicelib.access.service import appointments, gates, lists, presence
from chalicelib.access.service.alarms import raise_for
from chalicelib.core import aws, catalog, clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional

FUTURE_SLACK_MS = 5 * 60 * 1000  # device clocks drift; beyond this a time is wrong, not early


def _result(ev: GateEvent, decision: str, reasons: list[str], duplicate: bool = False) -> dict[str, Any]:
    return {
        "event_id": ev.event_id,
        "gate_id": ev.gate_id,
        "decision": decision,
        "reasons": reasons,
        "duplicate": duplicate,
    }


def _from_white(entry: dict[str, Any], kind: str) -> gate_rules.Credential:
    return gate_rules.Credential(
        "white_list",
        entry["id"],
        entry.get("enterprise_id"),
        kind,
        frozenset(entry.get("zones", [])),
        name=entry.get("name", ""),
        phone=entry.get("phone") or "",
    )


def _from_appointment(app: dict[str, Any]) -> gate_rules.Credential:
    person = app.get("visitor") or (app.get("vehicle") or {}).get("driver") or {}
    return gate_rules.Credential(
        "appointment",
        app["id"],
        app["enterprise_id"],
        app["kind"],
        frozenset(app["zones"]),
        tuple(appointments.certificates(app)),
        person.get("name", ""),
        person.get("phone", ""),
        app.get("route_id") if app["kind"] == "hazmat_vehicle" else None,
    )


def _credential(subject: str, is_vehicle: bool, at: int) -> tuple[Any, Reason | None, bool]:
    """What admits the subject at `at`, why nothing does, and whether any related party is black-listed."""
    listed = lists.active([subject], at)
    black = bool(listed["black"])
    if listed["white"]:
        return _from_white(listed["white"][0], "vehicle" if is_vehicle else "person"), None, black
    found, missing = gate_rules.valid_appointment(appointments.for_subject(subject, at), at)
    if found is None:
        return None, missing, black
    app = dict(found)
    black = black or bool(lists.active(appointments.list_keys(app), at)["black"])  # driver, escort, carrier
    return _from_appointment(app), None, black


def _route_ok(credential: gate_rules.Credential | None, gate: dict[str, Any]) -> bool | None:
    """Whether the gate lies on the hazmat appointment's approved route (a route deleted since: it does not);
    None when there is no route to check, or the check failed (logged: the gate kind rule still applies)."""
    if credential is None or not credential.route_id:
        return None
    try:
        return bool(ports.routes()(credential.route_id, gate))
    except Exception:
        logger.exception("route check failed", extra={"gate_id": gate["id"], "route_id": credential.route_id})
        return None


def _record(ev: GateEvent, gate: store.GateModel, subject: str, d: gate_rules.Decision, owner: str) -> bool:
    """Store the event and its decision once; False when this event was already decided."""
    at, now = clock.to_ms(ev.at), clock.now_ms()
    cred = d.credential
    doc = {
        **ev.model_dump(mode="json", exclude={"at"}),
        "reasons": [r.value for r in d.reasons],
        "credential": f"{cred.source}:{cred.ref}" if cred else None,
    }
    keep = timedelta(days=get_settings().access_retention_days)
    item = store.AccessEventModel(
        f"{gate.id}#{ev.event_id}",
        subject_key=subject,
        enterprise_id=owner,
        at_ms=at,
        decision=d.decision,
        doc=doc,
        received_ms=now,
        expires=datetime.fromtimestamp(-(-at // 1000), UTC) + keep,  # whole seconds, rounded up
    )
    with conditional() as write:
        item.save(condition=store.AccessEventModel.key.does_not_exist())
    return not write.failed


def _command(ev: GateEvent, gate: store.GateModel, d: gate_rules.Decision) -> None:
    """Tell the gate's barriers (or the reporting device) the decision; a failed publish is logged, the
    decision stands (the command record shows `failed` and the gate falls back to its local rule)."""
    data = gate.data()
    barriers = [x for x in data.get("devices", []) if x["kind"] == "barrier"]
    targets = barriers
    if not targets and ev.device_id:  # a gate without a registered barrier: answer the reporting device
        targets = [{"id": ev.device_id, "kind": "gate_device"}]
    name = "gate_open" if d.decision == "allow" else "gate_deny"
    params = {
        "event_id": ev.event_id,
        "direction": ev.direction,
        "decision": d.decision,
        "reasons": [r.value for r in d.reasons],
    }
    for device in targets:
        target = {**device, "name": data["name"], "location": data["location"]}
        try:
            ports.gate_commands()(f"gate:{gate.id}:{ev.event_id}", gate.enterprise_id, target, name, params)
        except Exception:
            logger.exception("gate command failed", extra={"gate_id": gate.id, "event_id": ev.event_id})


def _archive(rows: list[dict[str, Any]]) -> None:
    """The batch's new records as one JSON-lines object, `YYYY/MM/DD/HH/<ulid>.jsonl` by receipt time. The table
    keeps them ≥ 400 days whatever happens here, so a failed put is logged, not retried by the gate."""
    if not rows:
        return
    now = clock.now_ms()
    key = f"{clock.from_ms(now):%Y/%m/%d/%H}/{ids.ulid(now)}.jsonl"
    try:
        body = b"\n".join(orjson.dumps(r) for r in rows) + b"\n"
        aws.client("s3").put_object(Bucket=catalog.bucket_name("access-archive"), Key=key, Body=body)
    except Exception:
        logger.exception("access archive put failed", extra={"key": key, "records": len(rows)})


def _one(ev: GateEvent, who: Identity, archive: list[dict[str, Any]]) -> dict[str, Any]:
    gate = gates.gate_of(ev.gate_id)
    if gate is None or not who.can_see(gate.enterprise_id):
        return _result(ev, "deny", [Reason.GATE_UNKNOWN.value])  # nothing stored: no gate to record it at
    try:
        done = store.AccessEventModel.get(f"{gate.id}#{ev.event_id}", consistent_read=True)
        return _result(ev, done.decision, done.doc["reasons"], duplicate=True)
    except DoesNotExist:
        pass
    at, is_vehicle = clock.to_ms(ev.at), ev.plate is not None
    subject = vehicle_key(ev.plate) if ev.plate else person_key(str(ev.person_id))
    credential, missing, black = _credential(subject, is_vehicle, at)
    data = gate.data()
    zone_id = data.get("zone_id")
    level = gates.zone_levels([zone_id])[zone_id] if zone_id else None
    route_ok = _route_ok(credential, data) if ev.direction == "in" else None
    d = gate_rules.decide(data, level, ev.direction, is_vehicle, black, credential, missing, at, route_ok)
    owner = (credential.enterprise_id if credential and credential.enterprise_id else None) or gate.enterprise_id
    if not _record(ev, gate, subject, d, owner):  # a concurrent copy of this event decided it first
        done = store.AccessEventModel.get(f"{gate.id}#{ev.event_id}", consistent_read=True)
        return _result(ev, done.decision, done.doc["reasons"], duplicate=True)
    archive.append(
        {
            **ev.model_dump(mode="json"),
            "decision": d.decision,
            "reasons": [r.value for r in d.reasons],
            "enterprise_id": owner,
        }
    )
    if d.decision == "allow":
        presence.apply(subject, "vehicle" if is_vehicle else "person", credential, ev.direction, zone_id, at, gate.id)
    _command(ev, gate, d)
    if d.decision != "allow":
        raise_for(data, gate.enterprise_id, ev.model_dump(mode="json"), subject, d, owner)
    return _result(ev, d.decision, [r.value for r in d.reasons])


def intake(events: list[GateEvent], who: Identity) -> list[dict[str, Any]]:
    """Decide a batch of gate events in order (a gate system sends what its devices saw since the last call).
    An event dated ahead of the clock is refused before any is decided (it would pin the subject's presence), and
    one older than the records' retention too."""
    now = clock.now_ms()
    oldest = now - get_settings().access_retention_days * 86_400_000  # its record would expire on arrival
    for i, ev in enumerate(events):
        at = clock.to_ms(ev.at)
        if at > now + FUTURE_SLACK_MS:
            raise errors.invalid_field(f"events.{i}.at", "事件时间晚于当前时间（设备时钟偏差超过 5 分钟）", "future")
        if at < oldest:  # (and a year-1 time would overflow the record's expiry)
            raise errors.invalid_field(f"events.{i}.at", "事件时间早于出入记录保存期限", "too_old")
    archive: list[dict[str, Any]] = []
    try:
        return [_one(ev, who, archive) for ev in events]
    finally:
        _archive(archive)
