"""Appointments (预约, 5.3.1): create with the validity, black-list, escort and electronic waybill checks, then the
host enterprise approves and, for hazmat vehicles, the park; reject or cancel. Refusals carry reason codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.access import ports, store
from chalicelib.access.domain import REASON_LABEL, Reason, person_key, vehicle_key, waybill
from chalicelib.access.domain import appointments as rules
from chalicelib.access.domain.gate import valid_appointment
from chalicelib.access.schemas import AppointmentIn
from chalicelib.access.service import gates, lists
from chalicelib.access.service.common import masked_appointment
from chalicelib.access.service.views import Trip
from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import ENTERPRISE_ROLES, PARK, SYSTEM, Identity, Role
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.registry import service as registry

APPOINTMENT_REFUSED = errors.define(
    "APPOINTMENT_REFUSED",
    422,
    "预约不予受理",
    "The appointment breaks closed-park rules; details.reasons lists the reason codes (docs/closed-park.md).",
)
APPOINTMENT_STATE = errors.define(
    "APPOINTMENT_STATE", 409, "预约当前状态不允许该操作", "Approve, reject or cancel an appointment in another state."
)
APPROVER = errors.define(
    "APPOINTMENT_APPROVER",
    403,
    "当前审批环节须由接待企业（或园区）审批",
    "Host step: the host enterprise's roles or park_admin; park step (hazmat): park_admin or duty_officer.",
)
PARK_APPROVERS = frozenset({Role.PARK_ADMIN, Role.DUTY_OFFICER})


def refuse(found: list[tuple[Reason, dict[str, str]]]) -> errors.AppError:
    reasons = list(dict.fromkeys(r.value for r, _ in found))
    text = "、".join(REASON_LABEL[Reason(r)] for r in reasons)
    items = [{"reason": r.value, **d} for r, d in found]
    return APPOINTMENT_REFUSED(f"预约不予受理：{text}", details={"reasons": reasons, "items": items})


def subject_of(data: dict[str, Any]) -> str:
    return (
        person_key(data["visitor"]["id_number"]) if data["kind"] == "person" else vehicle_key(data["vehicle"]["plate"])
    )


def list_keys(data: dict[str, Any]) -> list[str]:
    """Every black-list key an appointment touches: the visitor, the vehicle, its driver and escort, the carrier."""
    keys = [subject_of(data)]
    vehicle = data.get("vehicle") or {}
    for person in (vehicle.get("driver"), vehicle.get("escort_person")):
        if person:
            keys.append(person_key(person["id_number"]))
    code = (data.get("waybill") or {}).get("carrier_code")
    if code:
        keys.append(lists.subject_key("carrier", code))
    return keys


def certificates(data: dict[str, Any]) -> list[dict[str, Any]]:
    vehicle = data.get("vehicle") or {}
    people = [data.get("visitor"), vehicle.get("driver"), vehicle.get("escort_person")]
    found = [c for p in people if p for c in p.get("certificates", [])] + list(vehicle.get("certificates", []))
    return [{**c, "expires_ms": clock.to_ms(datetime.fromisoformat(c["expires_at"]))} for c in found]


def _stored(enterprise_id: str) -> list[waybill.Stored]:
    return waybill.stored_lines(
        (i.status, [(c.chemical, c.cas, c.quantity_t) for c in i.chemicals])
        for i in registry.installations(SYSTEM, enterprise_id)
    )


def checks(data: dict[str, Any], now: int) -> list[tuple[Reason, dict[str, str]]]:
    """Every rule an appointment breaks now (creation and each approval run them again: lists change)."""
    found: list[tuple[Reason, dict[str, str]]] = [
        (r, {})
        for r in rules.validity_reasons(data["kind"], data["fixed"], data["valid_from_ms"], data["valid_to_ms"], now)
    ]
    if lists.active(list_keys(data), now)["black"]:
        found.append((Reason.BLACK_LISTED, {}))
    found += [(r, {}) for r in rules.certificate_reasons(certificates(data), data["valid_to_ms"])]
    levels = gates.zone_levels(data["zones"])
    found += [(r, {}) for r in rules.escort_reasons(data["kind"], bool(data.get("escort")), levels)]
    if data["kind"] == "hazmat_vehicle":
        stored = _stored(data["enterprise_id"])
        found += waybill.check(data.get("waybill"), data["enterprise_id"], data["vehicle"]["plate"], stored)
    return found


def _check_zones(zones: list[str], host: str, who: Identity) -> None:
    for i, zone_id in enumerate(zones):
        try:
            zone = registry.zone(zone_id, SYSTEM)
        except errors.AppError:
            raise errors.invalid_field(f"zones.{i}", f"区域 {zone_id} 不存在", "reference") from None
        if (zone.enterprise_id or PARK) not in (PARK, host):
            raise errors.invalid_field(f"zones.{i}", "只能预约接待企业或园区公共的区域", "reference")


def _check_route(route_id: str | None) -> None:
    """An appointment's route must be one of the park's approved hazmat routes (vehicle tracking checks it)."""
    if route_id and ports.routes()(route_id, None) is None:
        raise errors.invalid_field("route_id", f"运输路线 {route_id} 不存在", "reference")


def create(body: AppointmentIn, who: Identity) -> dict[str, Any]:
    who.ensure_can_write(body.enterprise_id)
    registry.enterprise(body.enterprise_id, who)
    _check_zones(body.zones, body.enterprise_id, who)
    _check_route(body.route_id)
    data = body.model_dump(mode="json", exclude={"valid_from", "valid_to"})
    data.update(valid_from_ms=clock.to_ms(body.valid_from), valid_to_ms=clock.to_ms(body.valid_to))
    now = clock.now_ms()
    found = checks(data, now)
    if found:
        raise refuse(found)
    keep = {k: v for k, v in data.items() if k not in ("enterprise_id", "kind", "valid_from_ms", "valid_to_ms")}
    item = store.AppointmentModel(
        ids.new_id("apt"),
        enterprise_id=body.enterprise_id,
        kind=body.kind,
        state=rules.State.PENDING_HOST,
        subject_key=subject_of(data),
        valid_from_ms=data["valid_from_ms"],
        valid_to_ms=data["valid_to_ms"],
        created_ms=now,
        updated_ms=now,
        doc={**keep, "approvals": [], "created_by": who.subject},
    )
    item.save(condition=store.AppointmentModel.id.does_not_exist())
    return public(item, who)


def public(item: store.AppointmentModel, who: Identity) -> dict[str, Any]:
    data = item.data()
    return masked_appointment({**data, "state_label": rules.STATE_LABEL[rules.State(data["state"])]}, who)


def load(appointment_id: str, who: Identity) -> store.AppointmentModel:
    item = get_or_404(store.AppointmentModel, appointment_id, field="appointment_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"appointment_id": appointment_id})
    return item


def _may_approve(item: store.AppointmentModel, who: Identity) -> None:
    if rules.approver(item.state) == "park":
        ok = not who.is_enterprise_scoped and who.has_any(PARK_APPROVERS)
    else:
        ok = who.has_any(ENTERPRISE_ROLES | {Role.PARK_ADMIN})
    if not ok:
        raise APPROVER(details={"step": rules.approver(item.state)})


def _step(item: store.AppointmentModel, state: str, entry: dict[str, Any]) -> None:
    doc = item.doc
    doc["approvals"] = [*doc.get("approvals", []), entry]
    previous = item.state
    item.state, item.updated_ms, item.doc = state, entry["at_ms"], doc
    with conditional(APPOINTMENT_STATE(details={"state": previous})):
        item.save(condition=store.AppointmentModel.state == previous)


def approve(appointment_id: str, comment: str, who: Identity) -> dict[str, Any]:
    """One approval step; the rules run again first (a black-list entry or expiry since creation refuses it)."""
    item = load(appointment_id, who)
    if item.state not in rules.OPEN:
        raise APPOINTMENT_STATE(details={"state": item.state})
    _may_approve(item, who)
    now = clock.now_ms()
    found = checks(item.data(), now)
    if found:
        raise refuse(found)
    step = rules.approver(item.state)
    entry = {"step": step, "decision": "approved", "by": who.subject, "comment": comment, "at_ms": now}
    _step(item, rules.next_state(item.state, item.kind), entry)
    return public(item, who)


def reject(appointment_id: str, reason: str, who: Identity) -> dict[str, Any]:
    item = load(appointment_id, who)
    if item.state not in rules.OPEN:
        raise APPOINTMENT_STATE(details={"state": item.state})
    _may_approve(item, who)
    entry = {"step": rules.approver(item.state), "decision": "rejected", "by": who.subject, "comment": reason}
    _step(item, rules.State.REJECTED, {**entry, "at_ms": clock.now_ms()})
    return public(item, who)


def cancel(appointment_id: str, who: Identity) -> dict[str, Any]:
    item = load(appointment_id, who)
    if item.state in (rules.State.REJECTED, rules.State.CANCELLED):
        raise APPOINTMENT_STATE(details={"state": item.state})
    entry = {"step": "cancel", "decision": "cancelled", "by": who.subject, "comment": "", "at_ms": clock.now_ms()}
    _step(item, rules.State.CANCELLED, entry)
    return public(item, who)


def list_page(
    who: Identity, enterprise_id: str | None, state: str | None, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: an enterprise's by index, a state's (the park's approval queue) by index, else a scan."""
    model, scope = store.AppointmentModel, who.scope(enterprise_id)
    cond = None
    for attr, value in ((model.state, state if scope else None), (model.kind, kind)):
        if value:
            cond = attr == value if cond is None else cond & (attr == value)
    if scope:
        items, last = scoped_page(model, model.by_enterprise, scope, cond, limit, decode_cursor(cursor))
    elif state:
        items, last = scoped_page(model, model.by_state, state, cond, limit, decode_cursor(cursor))
    else:
        items, last = scoped_page(model, None, None, cond, limit, decode_cursor(cursor))
    return [public(i, who) for i in items], encode_cursor(last)


def for_subject(key: str, at_ms: int) -> list[dict[str, Any]]:
    """Every appointment of a person or vehicle not ended a day before `at_ms` (the gate's candidates)."""
    since = at_ms - rules.DAY_MS
    return [i.data() for i in store.AppointmentModel.by_subject.query(key, store.AppointmentModel.valid_to_ms >= since)]


def trip_of(plate: str, at_ms: int) -> Trip | None:
    """The approved appointment of a vehicle valid at `at_ms` (its trip, for vehicle tracking), else None."""
    found, _ = valid_appointment(for_subject(vehicle_key(plate), at_ms), at_ms)
    return Trip.of(found) if found is not None else None
