"""Dual-prevention use cases (5.1.2-1): the chain unit → event → measure → task, stops for overhaul, check
records and the sweep (`checks`), and the typed reads other contexts make (hidden dangers, the risk profile)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.prevention import domain, store
from chalicelib.prevention.checks import CheckSummary, check_summary, record, records_page, sweep
from chalicelib.prevention.schemas import EventIn, MeasureIn, StopIn, TaskIn, UnitIn
from chalicelib.registry import service as registry

__all__ = ["CheckSummary", "UnknownLink", "check_links", "check_summary", "record", "records_page", "sweep"]


def public(item: store.RiskUnitModel) -> dict[str, Any]:
    data = item.data()
    data["current_class"], data["class_reasons"] = domain.current_class(item.risk_class, int(item.missed_open))
    return data


def load_unit(unit_id: str, who: Identity) -> store.RiskUnitModel:
    item = get_or_404(store.RiskUnitModel, unit_id, field="unit_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"unit_id": unit_id})
    return item


def _writable_unit(unit_id: str, who: Identity) -> store.RiskUnitModel:
    item = load_unit(unit_id, who)
    who.ensure_can_write(item.enterprise_id)
    return item


def create_unit(body: UnitIn, who: Identity) -> dict[str, Any]:
    who.ensure_can_write(body.enterprise_id)
    registry.enterprise(body.enterprise_id, who)
    if body.installation_id:
        installation = registry.installation(body.installation_id, who)
        if installation.enterprise_id != body.enterprise_id:
            raise errors.invalid_field("installation_id", "重大危险源单元不属于该企业", "foreign")
    doc = body.model_dump(mode="json", exclude={"enterprise_id", "risk_class"})
    item = store.RiskUnitModel(
        ids.new_id("ru"),
        enterprise_id=body.enterprise_id,
        risk_class=body.risk_class,
        doc=doc,
        created_ms=clock.now_ms(),
    )
    item.save(condition=store.RiskUnitModel.id.does_not_exist())
    return public(item)


def _part(unit_id: str, kind: str, prefix: str, doc: dict[str, Any]) -> dict[str, Any]:
    part_id = ids.new_id(prefix)
    item = store.UnitPartModel(unit_id, f"{kind}#{part_id}", doc=doc, created_ms=clock.now_ms())
    item.save()
    return {**item.data(), "unit_id": unit_id}


def _parts(unit_id: str, kind: str) -> list[dict[str, Any]]:
    return [p.data() for p in store.UnitPartModel.query(unit_id, store.UnitPartModel.key.startswith(f"{kind}#"))]


def add_event(unit_id: str, body: EventIn, who: Identity) -> dict[str, Any]:
    _writable_unit(unit_id, who)
    return _part(unit_id, "event", "evt", body.model_dump(mode="json"))


def _has_part(unit_id: str, kind: str, part_id: str) -> bool:
    return store.UnitPartModel.count(unit_id, store.UnitPartModel.key == f"{kind}#{part_id}") > 0


def add_measure(unit_id: str, body: MeasureIn, who: Identity) -> dict[str, Any]:
    _writable_unit(unit_id, who)
    if not _has_part(unit_id, "event", body.event_id):
        raise domain.UNIT_MISMATCH(details={"field": "event_id", "unit_id": unit_id})
    return _part(unit_id, "measure", "msr", body.model_dump(mode="json"))


def add_stop(unit_id: str, body: StopIn, who: Identity) -> dict[str, Any]:
    """停用检修: the unit's tasks open no occurrence that starts inside the period, and an open one that
    overlaps it is excused (suspended) rather than missed."""
    _writable_unit(unit_id, who)
    doc = {
        "starts_ms": clock.to_ms(body.starts_at),
        "ends_ms": clock.to_ms(body.ends_at),
        "reason": body.reason,
        "by": who.subject,
    }
    return _part(unit_id, "stop", "stp", doc)


def unit_detail(unit_id: str, who: Identity) -> dict[str, Any]:
    unit = public(load_unit(unit_id, who))
    tasks = [t.data() for t in store.CheckTaskModel.by_enterprise.query(unit["enterprise_id"]) if t.unit_id == unit_id]
    return {
        "unit": unit,
        "events": _parts(unit_id, "event"),
        "measures": _parts(unit_id, "measure"),
        "stops": _parts(unit_id, "stop"),
        "tasks": tasks,
    }


def units_page(
    who: Identity, enterprise_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    model = store.RiskUnitModel
    scope = who.scope(enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, None, limit, decode_cursor(cursor))
    return [public(i) for i in items], encode_cursor(last)


def create_task(body: TaskIn, who: Identity) -> dict[str, Any]:
    unit = _writable_unit(body.unit_id, who)
    if not _has_part(unit.id, "measure", body.measure_id):
        raise domain.UNIT_MISMATCH(details={"field": "measure_id", "unit_id": unit.id})
    doc = body.model_dump(mode="json", exclude={"unit_id", "starts_at"})
    starts, now = clock.to_ms(body.starts_at), clock.now_ms()
    first = domain.current_index(starts, body.cycle, body.cycle_unit, now, get_settings().park_utc_offset_h)
    item = store.CheckTaskModel(
        ids.new_id("ct"),
        enterprise_id=unit.enterprise_id,
        unit_id=unit.id,
        starts_ms=starts,
        next_index=first,
        doc=doc,
        created_ms=now,
    )
    item.save()
    return item.data()


def set_task_state(task_id: str, active: bool, reason: str, who: Identity) -> dict[str, Any]:
    """Stop a task (its open checks stay to be recorded or missed) or start it again from the window holding
    now, so the time it was stopped owes no checks."""
    item = get_or_404(store.CheckTaskModel, task_id, field="task_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"task_id": task_id})
    who.ensure_can_write(item.enterprise_id)
    if bool(item.active) != active:
        doc, now = item.doc, clock.now_ms()
        if active:
            offset = get_settings().park_utc_offset_h
            current = domain.current_index(int(item.starts_ms), doc["cycle"], doc["cycle_unit"], now, offset)
            item.next_index = max(int(item.next_index), current)
        changes = [*doc.get("state_changes", []), {"active": active, "reason": reason, "by": who.subject, "at_ms": now}]
        item.active, item.doc = active, {**doc, "state_changes": changes}
        with conditional(errors.CONFLICT(details={"task_id": task_id})):
            item.save()
    return item.data()


def tasks_page(
    who: Identity, enterprise_id: str | None, unit_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    model = store.CheckTaskModel
    condition = model.unit_id == unit_id if unit_id else None
    scope = who.scope(enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


@dataclass(frozen=True)
class UnknownLink:
    """A risk unit or check record a hidden danger names that is not its enterprise's (the dangers context
    refuses the registration with it). `field`: risk_unit_id | check_record_id."""

    field: str

    def public(self) -> dict[str, str]:
        """The field error the registration's 422 lists."""
        return errors.field_error(self.field, "不存在或不属于该企业", "unknown_reference")


def check_links(enterprise_id: str, unit_id: str | None, record_id: str | None) -> tuple[UnknownLink, ...]:
    """The links of a hidden danger to a unit or a check record that is not this enterprise's."""
    problems = []
    for field, model, key in (
        ("risk_unit_id", store.RiskUnitModel, unit_id),
        ("check_record_id", store.CheckRecordModel, record_id),
    ):
        if key is None:
            continue
        try:
            found = model.get(key).enterprise_id == enterprise_id
        except model.DoesNotExist:
            found = False
        if not found:
            problems.append(UnknownLink(field))
    return tuple(problems)
