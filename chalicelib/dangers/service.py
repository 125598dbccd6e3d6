"""Hidden-danger use cases (5.1.2-1, 5.1.2-3): register, plan, submit, accept/reject with four eyes, 督办 via
`supervision`, the regulator exchange for major dangers, the sweep, and typed reads for the risk profile."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, errors, ids, photos
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import scoped_page
from chalicelib.dangers import domain, exchange, steps, store, supervision
from chalicelib.dangers import sweep as sweeping
from chalicelib.dangers.schemas import CriteriaIn, DangerIn, PlanIn, RespondIn
from chalicelib.dangers.steps import load
from chalicelib.prevention import service as prevention
from chalicelib.registry import service as registry

orders_page = supervision.list_page
sweep = sweeping.sweep  # the scheduled sweep (danger_sweep)


def presign_photo(enterprise_id: str, who: Identity, content_type: str, size_bytes: int) -> dict[str, Any]:
    """An upload form for a photo of this enterprise's danger (the caller must be able to write for it)."""
    who.ensure_can_write(enterprise_id)
    registry.enterprise(enterprise_id, who)
    return photos.presign(photos.DANGERS, enterprise_id, content_type, size_bytes)


def respond(order_id: str, body: RespondIn, who: Identity) -> dict[str, Any]:
    expected = clock.to_ms(body.expected_completion) if body.expected_completion else None
    return supervision.respond(order_id, body.progress, expected, who)


@dataclass(frozen=True)
class RegisteredDanger:
    """A danger another context found and registered (a patrol's failed check item links to it)."""

    id: str
    level: str
    state: str


def register(body: DangerIn, who: Identity) -> dict[str, Any]:
    """Register a danger (`POST /hidden-dangers`): its document."""
    return _register(body, who).data()


def register_found(body: DangerIn, who: Identity) -> RegisteredDanger:
    """Register a danger another context found, with the same checks, grading and follow-up as the API's."""
    item = _register(body, who)
    return RegisteredDanger(id=item.id, level=str(item.level), state=str(item.state))


def _register(body: DangerIn, who: Identity) -> store.DangerModel:
    who.ensure_can_write(body.enterprise_id)
    registry.enterprise(body.enterprise_id, who)  # the enterprise must exist
    now = clock.now_ms()
    level, reasons = domain.grade(body.level, body.major_criteria)
    deadline = clock.to_ms(body.deadline) if body.deadline else None
    problems = domain.check_registration(level, body.handling, deadline, now)
    links = prevention.check_links(body.enterprise_id, body.risk_unit_id, body.check_record_id)
    problems += [link.public() for link in links]
    if problems:
        raise errors.invalid(problems)
    photos.check(body.photos, body.enterprise_id, photos.FINDINGS)
    doc = body.model_dump(mode="json", exclude={"enterprise_id", "level", "deadline"})
    doc.update(proposed_level=body.level, level_reasons=reasons, registrant=who.subject, registrant_name=who.name)
    item = store.DangerModel(
        ids.new_id("hd"),
        enterprise_id=body.enterprise_id,
        state=domain.State.REGISTERED,
        level=level,
        deadline_ms=deadline,
        doc=doc,
        created_ms=now,
        updated_ms=now,
    )
    steps.commit(item, store.event(item.id, now, who.subject, "registered", level=level), new=True)
    steps.follow_up(item, who.subject)
    return item


def _step(danger_id: str, step: str, who: Identity, **changes: Any) -> store.DangerModel:
    """Load, check the step is allowed from where the danger stands, and move it (not yet saved)."""
    item = load(danger_id, who)
    who.ensure_can_write(item.enterprise_id)
    doc = item.doc
    item.state = domain.after(item.state, step, doc["handling"])
    item.doc, item.updated_ms = {**doc, **changes}, clock.now_ms()
    return item


def plan(danger_id: str, body: PlanIn, who: Identity) -> dict[str, Any]:
    """治理方案: measures, responsible, deadline (a major danger: every part of 16号令). Revisable while rectifying."""
    current = load(danger_id, who)
    data = body.model_dump(mode="json", exclude={"deadline"})
    data.update(deadline_ms=clock.to_ms(body.deadline), planner=who.subject, planned_ms=clock.now_ms())
    problems = domain.check_plan(current.level, data, clock.now_ms())
    if problems:
        raise errors.invalid(problems)
    item = _step(danger_id, "plan", who, plan=data)
    item.deadline_ms, item.overdue = data["deadline_ms"], False  # a new time limit; any overdue 督办 stays open
    steps.commit(
        item, store.event(item.id, int(item.updated_ms), who.subject, "planned", deadline_ms=data["deadline_ms"])
    )
    return item.data()


def mark_major(danger_id: str, body: CriteriaIn, who: Identity) -> dict[str, Any]:
    """121号 situations found after registration: the danger becomes major (限期整改), is supervised and reported."""
    item = load(danger_id, who)
    who.ensure_can_write(item.enterprise_id)
    doc, now = item.doc, clock.now_ms()
    given = clock.to_ms(body.deadline) if body.deadline else None
    problems = domain.check_marking(item.state, None if item.deadline_ms is None else int(item.deadline_ms), given, now)
    if problems:
        raise errors.invalid(problems)
    criteria = sorted({*doc.get("major_criteria", []), *body.major_criteria})
    level, reasons = domain.grade(item.level, criteria)
    doc.update(major_criteria=criteria, level_reasons=reasons, handling=domain.Handling.DEADLINE.value)
    item.level, item.deadline_ms, item.updated_ms = level, given or item.deadline_ms, now
    item.doc = doc
    steps.commit(item, store.event(item.id, now, who.subject, "marked_major", major_criteria=body.major_criteria))
    steps.follow_up(item, who.subject)
    return item.data()


def submit(danger_id: str, summary: str, photo_keys: list[str], who: Identity) -> dict[str, Any]:
    current = load(danger_id, who)
    photos.check(photo_keys, current.enterprise_id, photos.FINDINGS)
    submission = {"summary": summary, "photos": photo_keys, "by": who.subject, "at_ms": clock.now_ms()}
    item = _step(danger_id, "submit", who, submission=submission)
    steps.commit(item, store.event(item.id, int(item.updated_ms), who.subject, "submitted"))
    steps.follow_up(item, who.subject)
    return item.data()


def _decide(danger_id: str, step: str, comment: str, who: Identity) -> store.DangerModel:
    item = load(danger_id, who)
    doc = item.doc
    domain.check_acceptor(who.subject, (doc.get("plan") or {}).get("planner"), (doc.get("submission") or {}).get("by"))
    if step == "accept" and item.level == domain.Level.MAJOR and who.is_enterprise_scoped:
        raise domain.MAJOR_ACCEPTANCE_BY_PARK(details={"danger_id": danger_id})
    decision = {"by": who.subject, "name": who.name, "at_ms": clock.now_ms(), "comment": comment}
    if step == "accept":
        return _step(danger_id, step, who, acceptance=decision)
    return _step(danger_id, step, who, rejections=[*doc.get("rejections", []), decision])


def accept(danger_id: str, comment: str, who: Identity) -> dict[str, Any]:
    """验收销号 by someone other than the planner and the submitter; closes the danger's 督办 orders."""
    item = _decide(danger_id, "accept", comment, who)
    item.overdue = False
    steps.commit(item, store.event(item.id, int(item.updated_ms), who.subject, "accepted", comment=comment))
    steps.follow_up(item, who.subject)
    supervision.close_for(item.id, item.enterprise_id, who.subject)
    return item.data()


def reject(danger_id: str, comment: str, who: Identity) -> dict[str, Any]:
    """Not accepted: back to rectifying with the reason kept (the same four-eyes rule)."""
    item = _decide(danger_id, "reject", comment, who)
    steps.commit(item, store.event(item.id, int(item.updated_ms), who.subject, "rejected", comment=comment))
    steps.follow_up(item, who.subject)
    return item.data()


def detail(danger_id: str, who: Identity) -> dict[str, Any]:
    danger = load(danger_id, who).data()
    keys = [*danger.get("photos", []), *(danger.get("submission") or {}).get("photos", [])]
    return {
        "danger": danger,
        "history": [e.as_dict() for e in store.DangerEventModel.query(danger_id)],
        "orders": supervision.of_danger(danger_id),
        "photo_urls": photos.view_urls(keys),
    }


def regulator_messages(danger_id: str, who: Identity) -> list[dict[str, Any]]:
    load(danger_id, who)
    return exchange.messages(danger_id)


def list_page(
    who: Identity, enterprise_id: str | None, q: Any, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    model, clauses = store.DangerModel, []
    if q.state:
        clauses.append(model.state == q.state)
    if q.level:
        clauses.append(model.level == q.level)
    if q.overdue is not None:
        clauses.append(model.overdue == q.overdue)
    condition = functools.reduce(operator.and_, clauses) if clauses else None
    scope = who.scope(enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


@dataclass(frozen=True)
class DangerSummary:
    """What the enterprise risk profile reads (5.1.2-2): open, overdue and major dangers, open 督办 orders."""

    open: int
    overdue: int
    major_open: int
    orders_open: int
    orders_escalated: int


def enterprise_summary(enterprise_id: str) -> DangerSummary:
    dangers = [d for d in store.DangerModel.by_enterprise.query(enterprise_id) if d.state in domain.OPEN]
    orders = [o for o in store.OrderModel.by_enterprise.query(enterprise_id) if o.state != "closed"]
    return DangerSummary(
        open=len(dangers),
        overdue=sum(1 for d in dangers if d.overdue),
        major_open=sum(1 for d in dangers if d.level == domain.Level.MAJOR),
        orders_open=len(orders),
        orders_escalated=sum(1 for o in orders if o.escalated),
    )
