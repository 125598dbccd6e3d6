"""Patrol routes and plans (巡检路线与计划, 5.3.2-1): enterprise routes by their enterprise, park routes by park
roles; a plan gives a route a team, a frequency and a time window, and the sweep turns it into tasks."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, Identity, Role
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.notify import service as notify
from chalicelib.patrol import domain, store
from chalicelib.patrol.notices import Person
from chalicelib.patrol.schemas import PlanIn, RouteIn
from chalicelib.registry import service as registry

# Who sees team members' phone numbers whole: those who make the plans (everyone else sees 138****1234).
PLANNERS = frozenset({Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER})


def _exists(kind: registry.Kind, entity_id: str, who: Identity, field: str, message: str) -> None:
    try:
        registry.require(kind, entity_id, who)
    except errors.AppError as exc:
        raise errors.invalid_field(field, message, "unknown_reference") from exc


def create_route(body: RouteIn, who: Identity) -> dict[str, Any]:
    """An enterprise route (the caller's own enterprise by default) or, for park callers, a park route whose
    checkpoints may each name the enterprise responsible for the place."""
    owner = body.enterprise_id or who.enterprise_id or PARK
    who.ensure_can_write(owner)
    if owner != PARK:
        registry.enterprise(owner, who)
    if body.zone_id:
        _exists(registry.ZONE, body.zone_id, who, "zone_id", "区域不存在")
    for i, cp in enumerate(body.checkpoints):
        field = f"checkpoints.{i}.enterprise_id"
        if cp.enterprise_id and owner not in (PARK, cp.enterprise_id):
            raise errors.invalid_field(field, "企业路线的巡检点只能属于本企业", "foreign")
        if cp.enterprise_id and owner == PARK:
            _exists(registry.ENTERPRISE, cp.enterprise_id, who, field, "企业不存在")
    doc = body.model_dump(mode="json", exclude={"enterprise_id"})
    doc["by"] = who.subject
    item = store.RouteModel(ids.new_id("pr"), enterprise_id=owner, doc=doc, created_ms=clock.now_ms())
    item.save(condition=store.RouteModel.id.does_not_exist())
    return item.data()


def load_route(route_id: str, who: Identity) -> store.RouteModel:
    item = get_or_404(store.RouteModel, route_id, field="route_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"route_id": route_id})
    return item


def checkpoint(route: dict[str, Any], checkpoint_id: str) -> dict[str, Any]:
    found = next((c for c in route["checkpoints"] if c["id"] == checkpoint_id), None)
    if found is None:
        raise errors.NOT_FOUND(details={"checkpoint_id": checkpoint_id})
    return found


def routes_page(
    who: Identity, enterprise_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    model = store.RouteModel
    items, last = scoped_page(model, model.by_enterprise, who.scope(enterprise_id), None, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


def plan_view(data: dict[str, Any], who: Identity) -> dict[str, Any]:
    """Team phones whole for planners only (issue 13 item 8 masking rule, docs/patrol.md)."""
    if who.has_any(PLANNERS):
        return data
    members = [{**m, "phone": notify.mask(m["phone"])} for m in data["team"]["members"]]
    return {**data, "team": {**data["team"], "members": members}}


def create_plan(body: PlanIn, who: Identity) -> dict[str, Any]:
    route = load_route(body.route_id, who)
    who.ensure_can_write(route.enterprise_id)
    starts, now = clock.to_ms(body.starts_at), clock.now_ms()
    period, window = body.cycle * domain.PERIOD_MS[body.cycle_unit], body.window_min * 60_000
    doc = body.model_dump(mode="json", exclude={"route_id", "starts_at"})
    doc["by"] = who.subject
    item = store.PlanModel(
        ids.new_id("pp"),
        enterprise_id=route.enterprise_id,
        route_id=route.id,
        starts_ms=starts,
        period_ms=period,
        window_ms=window,
        next_index=domain.first_index(starts, period, window, now),
        doc=doc,
        created_ms=now,
    )
    item.save(condition=store.PlanModel.id.does_not_exist())
    return plan_view(item.data(), who)


def set_plan_state(plan_id: str, active: bool, who: Identity) -> dict[str, Any]:
    """Stop a plan (its dispatched tasks stay) or start it again from the first window not yet over."""
    item = get_or_404(store.PlanModel, plan_id, field="plan_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"plan_id": plan_id})
    who.ensure_can_write(item.enterprise_id)
    if bool(item.active) != active:
        if active:
            first = domain.first_index(int(item.starts_ms), int(item.period_ms), int(item.window_ms), clock.now_ms())
            item.next_index = max(int(item.next_index), first)
        item.active = active
        with conditional(errors.CONFLICT(details={"plan_id": plan_id})):
            item.save()
    return plan_view(item.data(), who)


def plans_page(
    who: Identity, enterprise_id: str | None, route_id: str | None, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    model = store.PlanModel
    condition = model.route_id == route_id if route_id else None
    scope = who.scope(enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [plan_view(i.data(), who) for i in items], encode_cursor(last)


def route_inspectors(route: store.RouteModel) -> list[Person]:
    """The members of the teams of the route's active plans (who patrols it)."""
    model = store.PlanModel
    plans = model.by_enterprise.query(route.enterprise_id, filter_condition=(model.route_id == route.id))
    return [
        Person(m["name"], m["phone"], "inspectors")
        for plan in plans
        if plan.active
        for m in plan.doc["team"]["members"]
    ]
