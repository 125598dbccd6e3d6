"""Patrol tasks on the mobile app (5.3.2-1): the inspector's own tasks, a task with its route and check-ins,
photo upload forms, and the check-in validated against the task's window, the checkpoint's position and code."""

from __future__ import annotations

import functools
import operator
from typing import Any

from chalicelib.core import clock, errors, geo, photos
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, get_or_404, scoped_page, transaction
from chalicelib.patrol import domain, findings, store
from chalicelib.patrol.planning import checkpoint, load_route
from chalicelib.patrol.schemas import CheckinIn, TaskFilter


def load(task_id: str, who: Identity) -> store.TaskModel:
    item = get_or_404(store.TaskModel, task_id, field="task_id")
    if not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"task_id": task_id})
    return item


def _assigned(task: store.TaskModel, who: Identity) -> None:
    if who.subject not in (task.assignees or set()):
        raise domain.NOT_ASSIGNED(details={"task_id": task.id, "team": task.team})


def tasks_page(who: Identity, q: TaskFilter) -> tuple[list[dict[str, Any]], str | None]:
    """Newest window first; `mine` keeps the tasks dispatched to the caller (a member of the plan's team)."""
    model, clauses = store.TaskModel, list[Any]()
    if q.mine:
        clauses.append(model.assignees.contains(who.subject))
    if q.route_id:
        clauses.append(model.route_id == q.route_id)
    if q.status:
        clauses.append(model.status == q.status)
    condition = functools.reduce(operator.and_, clauses) if clauses else None
    scope = who.scope(q.enterprise_id)
    items, last = scoped_page(model, model.by_enterprise, scope, condition, q.limit, decode_cursor(q.cursor))
    return [i.data() for i in items], encode_cursor(last)


def detail(task_id: str, who: Identity) -> dict[str, Any]:
    task = load(task_id, who)
    checkins = [c.data() for c in store.CheckinModel.query(task_id)]
    keys = [k for c in checkins for k in c.get("photos", [])]
    return {
        "task": task.data(),
        "route": load_route(task.route_id, who).data(),
        "checkins": checkins,
        "photo_urls": photos.view_urls(keys),
    }


def photo_owner(task: store.TaskModel, cp: dict[str, Any]) -> str:
    """Whose photo folder a checkpoint's photos go to: the enterprise responsible for the place (so a hidden
    danger registered from it names them), else the route's owner."""
    return str(cp.get("enterprise_id") or task.enterprise_id)


def presign_photo(
    task_id: str, checkpoint_id: str, content_type: str, size_bytes: int, who: Identity
) -> dict[str, Any]:
    task = load(task_id, who)
    cp = checkpoint(load_route(task.route_id, who).data(), checkpoint_id)
    _assigned(task, who)
    return photos.presign(photos.PATROL, photo_owner(task, cp), content_type, size_bytes)


def checkin(task_id: str, checkpoint_id: str, body: CheckinIn, who: Identity) -> dict[str, Any]:
    """Record one checkpoint of a task: inside the window (409), at the place with its code (422), every check
    item answered (422); once (409). A failed item becomes a hidden danger or, if urgent, an alarm."""
    task = load(task_id, who)
    route = load_route(task.route_id, who).data()
    cp = checkpoint(route, checkpoint_id)
    _assigned(task, who)
    now = clock.now_ms()
    domain.check_window(now, int(task.window_start_ms), int(task.window_end_ms))
    distance = geo.distance_m(body.position.lat, body.position.lon, cp["location"]["lat"], cp["location"]["lon"])
    radius = cp.get("radius_m") or get_settings().patrol_checkin_radius_m
    domain.check_place(distance, radius, body.code, cp["code"])
    problems = domain.check_items([i["id"] for i in cp["items"]], [r.item_id for r in body.items])
    if problems:
        raise errors.invalid(problems)
    photos.check(body.photos, photo_owner(task, cp), (photos.PATROL,))
    failed = [r for r in body.items if r.result == domain.Result.FAIL]
    doc = {
        "position": body.position.model_dump(),
        "accuracy_m": body.accuracy_m,
        "distance_m": round(distance, 1),
        "items": [r.model_dump(mode="json") for r in body.items],
        "photos": body.photos,
        "by": who.subject,
        "name": who.name,
    }
    item = store.CheckinModel(task.id, cp["id"], enterprise_id=task.enterprise_id, status="done", at_ms=now, doc=doc)
    model = store.TaskModel
    with conditional() as write, transaction() as tx:
        tx.save(item, condition=store.CheckinModel.checkpoint_id.does_not_exist())
        tx.update(
            task,
            actions=[model.visited.add(1), model.failed_items.add(len(failed))],
            condition=model.status == domain.TaskStatus.OPEN,
        )
    if write.failed:
        _refused(task, cp["id"], now)
    _complete_if_done(task.id)
    outcomes = findings.follow(task, route, cp, body.items, body.photos, who)
    if outcomes:
        doc["findings"] = outcomes
        item.update(actions=[store.CheckinModel.doc.set(doc)])
    return item.data()


def _refused(task: store.TaskModel, checkpoint_id: str, now: int) -> None:
    """Why the check-in's transaction did not hold: this checkpoint was already recorded, or the task closed."""
    try:
        store.CheckinModel.get(task.id, checkpoint_id, consistent_read=True)
    except store.CheckinModel.DoesNotExist:  # not recorded: the sweep closed the task, its window is over
        raise domain.OUTSIDE_WINDOW(
            details={
                "window_start": clock.iso(int(task.window_start_ms)),
                "window_end": clock.iso(int(task.window_end_ms)),
            }
        ) from None
    raise domain.CHECKPOINT_DONE(details={"task_id": task.id, "checkpoint_id": checkpoint_id})


def _complete_if_done(task_id: str) -> None:
    """The check-in that visits the last checkpoint completes the task at once (not at window end)."""
    model = store.TaskModel
    task = model.get(task_id, consistent_read=True)
    if int(task.visited) >= int(task.checkpoints) and task.status == domain.TaskStatus.OPEN:
        with conditional():  # the sweep closing it meanwhile reaches the same outcome
            task.update(
                actions=[model.status.set(domain.TaskStatus.COMPLETED)],
                condition=model.status == domain.TaskStatus.OPEN,
            )
