"""Duty use cases: roster, who is on duty now (and who escalations go to), shift handovers (交接班)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.settings import get_settings
from chalicelib.duty import domain, ports, store
from chalicelib.duty.domain import OnDutyPerson  # what other contexts read of a rostered person
from chalicelib.duty.schemas import RosterIn

SHIFTS = "_shifts"
NOT_ON_ROSTER = errors.define("NOT_ON_ROSTER", 404, "当前时段未排班", "No assignment covers the current shift.")
HANDOVER_DONE = errors.define("HANDOVER_DONE", 409, "该交接班记录已确认", "The handover was already acknowledged.")
NOT_INCOMING = errors.define(
    "NOT_INCOMING_OFFICER",
    403,
    "只有接班人员可以确认交接",
    "Only an officer of the next shift acknowledges a handover.",
)


def _shifts() -> list[domain.Shift]:
    try:
        doc = store.AssignmentModel.get(SHIFTS, SHIFTS).data()
    except DoesNotExist:
        return []
    return [domain.Shift(s["id"], s["name"], _wall_clock(s["start"]), _wall_clock(s["end"])) for s in doc["shifts"]]


def _wall_clock(stored: str) -> dt.time:
    """A stored shift time as local HH:MM. Rosters stored before RosterIn refused offsets and seconds may hold
    `08:00+01:00` or `20:00:59`; the wall-clock minute is what the park meant."""
    return dt.time.fromisoformat(stored).replace(second=0, microsecond=0, tzinfo=None)


def put_roster(body: RosterIn) -> dict[str, Any]:
    shifts = [domain.Shift(s.id, s.name, s.start, s.end) for s in body.shifts]
    known: set[str] = set()
    for i, s in enumerate(shifts):
        if s.id in known:  # two shifts of one id: the handover target and the assignments would be ambiguous
            raise errors.invalid_field(f"shifts.{i}.id", "班次 id 重复", "unique")
        known.add(s.id)
    domain.check_shifts(shifts)
    for i, a in enumerate(body.assignments):
        if a.shift_id not in known:
            raise errors.VALIDATION_FAILED(
                errors=[{"field": f"assignments.{i}.shift_id", "message": "未定义的班次", "type": "reference"}]
            )
    now = clock.now_ms()
    with store.AssignmentModel.batch_write() as batch:
        batch.save(
            store.AssignmentModel(
                SHIFTS,
                SHIFTS,
                updated_ms=now,
                doc={"shifts": [s.model_dump(mode="json") for s in body.shifts]},
            )
        )
        for a in body.assignments:
            batch.save(
                store.AssignmentModel(
                    a.date.isoformat(),
                    a.shift_id,
                    updated_ms=now,
                    doc=a.model_dump(mode="json", exclude={"date", "shift_id"}),
                )
            )
    return {"shifts": len(body.shifts), "assignments": len(body.assignments)}


def roster(start: dt.date, end: dt.date) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    day = start
    while day <= end and len(out) < 400:
        out += [{"date": i.day, "shift_id": i.shift, **i.data()} for i in store.AssignmentModel.query(day.isoformat())]
        day += dt.timedelta(days=1)
    return {
        "shifts": [
            {"id": s.id, "name": s.name, "start": s.start.isoformat("minutes"), "end": s.end.isoformat("minutes")}
            for s in _shifts()
        ],
        "assignments": out,
    }


def current(now_ms: int | None = None) -> dict[str, Any]:
    """The shift on duty now with its people (duty officers, supervisor, safety head)."""
    shifts = _shifts()
    if not shifts:
        raise NOT_ON_ROSTER(details={"reason": "no shifts defined"})
    moment = domain.local_now(now_ms or clock.now_ms(), get_settings().park_utc_offset_h)
    shift, day = domain.shift_at(shifts, moment)
    try:
        people = store.AssignmentModel.get(day.isoformat(), shift.id).data()
    except DoesNotExist:
        raise NOT_ON_ROSTER(details={"date": day.isoformat(), "shift": shift.id}) from None
    following, _ = domain.next_shift(shifts, shift, day)
    return {
        "shift_id": shift.id,
        "shift_name": shift.name,
        "date": day.isoformat(),
        "start": shift.start,
        "end": shift.end,
        "next_shift_id": following.id,
        **people,
    }


def escalation_chain(now_ms: int | None = None) -> list[list[OnDutyPerson]]:
    """Who verifies at each escalation level: [duty officers], [supervisor], [safety head]; [] if unstaffed."""
    try:
        now = current(now_ms)
    except errors.AppError:
        return [[], [], []]

    def person(p: dict[str, Any]) -> OnDutyPerson:
        return OnDutyPerson(subject=p["subject"], name=p["name"], phone=p["phone"])

    return [[person(p) for p in now["officers"]], [person(now["supervisor"])], [person(now["safety_head"])]]


def on_duty_officers(now_ms: int | None = None) -> list[OnDutyPerson]:
    """The duty officers of the shift on duty now (name, phone, subject); [] when nobody is rostered."""
    return escalation_chain(now_ms)[0]


def create_handover(who: Identity, notes: str) -> dict[str, Any]:
    """Hand the shift over, naming what stays open: warnings not closed, alarms not acknowledged (duty.ports)."""
    now = current()
    open_warnings, open_alarms = ports.carried_over()
    doc = {
        "from_shift": f"{now['date']}/{now['shift_id']}",
        "to_shift": now["next_shift_id"],
        "created_by": who.subject,
        "notes": notes,
        "open_warnings": open_warnings,
        "open_alarms": open_alarms,
        "created_ms": clock.now_ms(),
    }
    item = store.HandoverModel(ids.new_id("hnd"), status="pending", doc=doc)
    item.save()
    return item.data()


def ack_handover(handover_id: str, who: Identity, notes: str) -> dict[str, Any]:
    try:
        item = store.HandoverModel.get(handover_id, consistent_read=True)
    except DoesNotExist:
        raise errors.NOT_FOUND(details={"handover_id": handover_id}) from None
    if item.status != "pending":
        raise HANDOVER_DONE(details={"handover_id": handover_id})
    doc = item.data()
    incoming = _incoming_subjects(doc)
    if incoming and who.subject not in incoming:
        raise NOT_INCOMING(details={"expected": sorted(incoming)})
    doc.update({"acked_by": who.subject, "acked_ms": clock.now_ms(), "ack_notes": notes})
    item.status, item.doc = (
        "acknowledged",
        {k: v for k, v in doc.items() if k not in ("id", "status")},
    )
    item.save()
    return item.data()


def _incoming_subjects(doc: dict[str, Any]) -> set[str]:
    """Officers of the shift that takes over (empty when that shift is not staffed yet)."""
    day, shift = doc["from_shift"].split("/")
    shifts = {s.id: s for s in _shifts()}
    if shift not in shifts:
        return set()
    following, start = domain.next_shift(list(shifts.values()), shifts[shift], dt.date.fromisoformat(day))
    try:
        people = store.AssignmentModel.get(start.isoformat(), following.id).data()
    except DoesNotExist:
        return set()
    return {p["subject"] for p in people["officers"]} | {people["supervisor"]["subject"]}


def handovers(limit: int = 50) -> list[dict[str, Any]]:
    items = [i.data() for i in store.HandoverModel.scan(limit=limit * 4)]
    return sorted(items, key=lambda h: h["created_ms"], reverse=True)[:limit]
