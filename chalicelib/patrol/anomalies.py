"""Smart-inspection anomalies (智能巡检异常, 5.3.2-2, 5.3.2-3): drones, rail robots and video analytics report
leaks, damaged parts, violations and environmental anomalies; each is kept once per reporter id and told, by
priority, to the route's inspectors (no route: the park safety department's people on duty), the park safety
department and (urgent) the enterprise's managers."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, scoped_page
from chalicelib.duty import service as duty
from chalicelib.patrol import domain, notices, store
from chalicelib.patrol.notices import Person
from chalicelib.patrol.planning import load_route, route_inspectors
from chalicelib.patrol.schemas import AnomalyFilter, AnomalyIn
from chalicelib.registry import service as registry


def report(body: AnomalyIn, who: Identity) -> tuple[dict[str, Any], bool]:
    """(the anomaly, True when new). A report repeated with the same `anomaly_id` returns what was kept and
    texts nobody again; one whose notices were cut short finishes them (the SMS log claims each phone once)."""
    owner = body.enterprise_id or who.enterprise_id or PARK
    who.ensure_can_write(owner)
    if owner != PARK:
        registry.enterprise(owner, who)
    route = None
    if body.route_id:
        try:
            route = load_route(body.route_id, who)
        except errors.AppError as exc:
            raise errors.invalid_field("route_id", "巡检路线不存在", "unknown_reference") from exc
        if route.enterprise_id not in (owner, PARK):
            raise errors.invalid_field("route_id", "巡检路线不属于该企业", "foreign")
    doc = body.model_dump(mode="json", exclude={"enterprise_id", "priority", "route_id", "detected_at", "anomaly_id"})
    doc.update(anomaly_id=body.anomaly_id, reported_by=who.subject, notified=[], notice="pending")
    item = store.AnomalyModel(
        f"{owner}:{body.anomaly_id}",
        enterprise_id=owner,
        priority=body.priority.value,
        route_id=body.route_id,
        detected_ms=clock.to_ms(body.detected_at),
        received_ms=clock.now_ms(),
        doc=doc,
    )
    with conditional() as claim:
        item.save(condition=store.AnomalyModel.id.does_not_exist())
    if claim.failed:
        item = store.AnomalyModel.get(item.id, consistent_read=True)
        if item.doc.get("notice") == "done":
            return item.data(), False
    _notify(item, route)
    return item.data(), not claim.failed


def _people(item: store.AnomalyModel, route: store.RouteModel | None) -> list[Person]:
    audiences = domain.AUDIENCES[Priority(item.priority)]
    people: list[Person] = []
    safety = "safety" in audiences
    if "inspectors" in audiences and route is not None:
        people += route_inspectors(route)
    elif "inspectors" in audiences:  # no route names inspectors: the park safety department's people on duty
        on_duty = [Person(o.name, o.phone, "on_duty") for o in duty.on_duty_officers() if o.phone]
        people += on_duty
        safety = safety or not on_duty  # nobody rostered now: the department's designated contacts
    if safety:
        people += [Person(c.name, c.phone, "safety") for c in registry.park_contacts()]
    if "enterprise" in audiences and item.enterprise_id != PARK:
        people += [
            Person(c.name, c.phone, "enterprise") for c in registry.enterprise_contacts(item.enterprise_id, None)
        ]
    return people


def _notify(item: store.AnomalyModel, route: store.RouteModel | None) -> None:
    doc = item.doc
    if route is not None:
        place = route.doc["name"]
    elif item.enterprise_id != PARK:
        place = registry.enterprise(item.enterprise_id, SYSTEM).name
    else:
        place = "园区公共区域"
    data = {**doc, "priority": item.priority, "detected_ms": int(item.detected_ms)}
    text = domain.anomaly_text(data, place, get_settings().park_utc_offset_h)
    doc.update(
        notified=notices.tell(f"anomaly:{item.id}", _people(item, route), text, item.enterprise_id), notice="done"
    )
    item.update(actions=[store.AnomalyModel.doc.set(doc)])


def anomalies_page(who: Identity, q: AnomalyFilter) -> tuple[list[dict[str, Any]], str | None]:
    model, clauses = store.AnomalyModel, []
    if q.priority:
        clauses.append(model.priority == q.priority.value)
    if q.route_id:
        clauses.append(model.route_id == q.route_id)
    condition = clauses[0] & clauses[1] if len(clauses) == 2 else (clauses[0] if clauses else None)
    items, last = scoped_page(
        model, model.by_enterprise, who.scope(q.enterprise_id), condition, q.limit, decode_cursor(q.cursor)
    )
    return [i.data() for i in items], encode_cursor(last)
