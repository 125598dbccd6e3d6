"""Key posts (关键岗位) and their rosters (排班): scoped CRUD, shifts checked for overlaps, roster entries
checked against the post's shifts and the weekdays they run on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor, invalid_cursor
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.onduty import domain, store
from chalicelib.onduty.schemas import PostIn, RosterIn
from chalicelib.registry import service as registry


def shifts_of(post: dict[str, Any]) -> list[domain.Shift]:
    return [
        domain.Shift(
            s["id"], s["name"], dt.time.fromisoformat(s["start"]), dt.time.fromisoformat(s["end"]), frozenset(d)
        )
        for s in post["shifts"]
        for d in [s["days"]]
    ]


def load(post_id: str, who: Identity) -> store.PostModel:
    """The post if the caller may see it (NOT_FOUND otherwise: another tenant's post is never revealed)."""
    item = get_or_404(store.PostModel, post_id, field="post_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"post_id": post_id})
    return item


def writable(post_id: str, who: Identity) -> store.PostModel:
    item = load(post_id, who)
    who.ensure_can_write(item.enterprise_id)
    return item


def _doc(body: PostIn, who: Identity) -> dict[str, Any]:
    who.ensure_can_write(body.enterprise_id)
    try:
        registry.enterprise(body.enterprise_id, who)
    except errors.AppError as exc:
        raise errors.invalid_field("enterprise_id", "企业不存在", "unknown_reference") from exc
    if body.installation_id:
        try:
            owner = registry.installation(body.installation_id, who).enterprise_id
        except errors.AppError as exc:
            raise errors.invalid_field("installation_id", "重大危险源单元不存在", "unknown_reference") from exc
        if owner != body.enterprise_id:
            raise errors.invalid_field("installation_id", "重大危险源单元不属于该企业", "foreign")
    doc = body.model_dump(mode="json", exclude={"enterprise_id"})
    domain.check_shifts(shifts_of(doc))
    return doc


def create(body: PostIn, who: Identity) -> dict[str, Any]:
    doc, now = _doc(body, who), clock.now_ms()
    item = store.PostModel(
        ids.new_id("pst"),
        enterprise_id=body.enterprise_id,
        doc=doc,
        created_ms=now,
        updated_ms=now,
    )
    item.save(condition=store.PostModel.id.does_not_exist())
    return item.data()


def replace(post_id: str, body: PostIn, who: Identity) -> dict[str, Any]:
    """A post keeps its enterprise; its shifts may change (roster entries of a removed shift are ignored)."""
    item = writable(post_id, who)
    if body.enterprise_id != item.enterprise_id:
        raise errors.invalid_field("enterprise_id", "岗位不能转到其他企业", "immutable")
    item.doc, item.updated_ms = _doc(body, who), clock.now_ms()
    item.save()
    return item.data()


def remove(post_id: str, who: Identity) -> store.PostModel:
    """Delete the post and its roster; the caller clears its open vacancy alarm."""
    item = writable(post_id, who)
    with store.RosterModel.batch_write() as batch:
        for entry in store.RosterModel.query(post_id):
            batch.delete(entry)
    item.delete()
    return item


def get(post_id: str, who: Identity) -> dict[str, Any]:
    return load(post_id, who).data()


def page(who: Identity, enterprise_id: str | None, limit: int, cursor: str | None) -> tuple[list[Any], str | None]:
    model = store.PostModel
    items, last = scoped_page(model, model.by_enterprise, who.scope(enterprise_id), None, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)


def posts_of(enterprise_id: str) -> list[dict[str, Any]]:
    """Every post of an enterprise (tens at most)."""
    return [p.data() for p in store.PostModel.by_enterprise.query(enterprise_id)]


def put_roster(post_id: str, body: RosterIn, who: Identity) -> list[dict[str, Any]]:
    """Set who is on each (date, shift) named; other entries stay. Every entry is checked before any is kept."""
    item = writable(post_id, who)
    shifts = {s.id: s for s in shifts_of(item.data())}
    problems, now = [], clock.now_ms()
    for i, a in enumerate(body.assignments):
        shift = shifts.get(a.shift_id)
        if shift is None:
            problems.append(errors.field_error(f"assignments.{i}.shift_id", "岗位没有该班次", "unknown_shift"))
        elif a.date.isoweekday() not in shift.days:
            problems.append(errors.field_error(f"assignments.{i}.date", "该班次在这一天不排班", "not_a_shift_day"))
        if len({p.person_id for p in a.people}) != len(a.people):
            problems.append(errors.field_error(f"assignments.{i}.people", "同一人员重复排班", "duplicate"))
    if problems:
        raise errors.invalid(problems)
    entries = {
        f"{a.date.isoformat()}#{a.shift_id}": store.RosterModel(
            post_id,
            f"{a.date.isoformat()}#{a.shift_id}",
            enterprise_id=item.enterprise_id,
            doc={"people": [p.model_dump(mode="json") for p in a.people]},
            updated_ms=now,
        )
        for a in body.assignments
    }  # the last entry for a slot wins, as a client listing one twice means
    with store.RosterModel.batch_write() as batch:
        for entry in entries.values():
            batch.save(entry)
    return [e.data() for e in entries.values()]


def roster_page(
    post_id: str, who: Identity, start: dt.date | None, end: dt.date | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    load(post_id, who)
    low, high = (start or dt.date.min).isoformat(), (end or dt.date.max).isoformat() + "#~"
    last = decode_cursor(cursor)
    if last is not None and last.get("post_id", {}).get("S") != post_id:
        raise invalid_cursor()
    results = store.RosterModel.query(
        post_id, store.RosterModel.slot.between(low, high), limit=limit, last_evaluated_key=last
    )
    items = [r.data() for r in results]
    return items, encode_cursor(results.last_evaluated_key)


def remove_roster(post_id: str, day: str, shift_id: str, who: Identity) -> None:
    writable(post_id, who)
    with conditional(errors.NOT_FOUND(details={"roster": f"{day}#{shift_id}"})):
        store.RosterModel(post_id, f"{day}#{shift_id}").delete(condition=store.RosterModel.slot.exists())


def rostered(post_id: str, slot: str) -> list[dict[str, Any]]:
    """The people on a post for one shift occurrence (none when nobody was rostered)."""
    try:
        return list(store.RosterModel.get(post_id, slot).doc["people"])
    except store.RosterModel.DoesNotExist:
        return []
