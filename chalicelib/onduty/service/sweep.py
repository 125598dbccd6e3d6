"""The vacancy sweep (every 5 min, 5.1.2-1): a key post vacant during its shift for longer than the grace
period raises one event alarm through the alarm engine (source "onduty", kind "post_vacant", one key per post
and shift occurrence); the alarm clears when the post is filled again, its shift ends or the post is deleted.

Each post remembers the alarm it has open (`onduty-vacancy-alarms`), so a rerun raises nothing twice; if a
sweep dies between raising and remembering, the next one raises the same key again and the engine updates
the open alarm instead of opening a second one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import auditing, clock
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.clock import iso
from chalicelib.core.identity import SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.onduty import domain, store
from chalicelib.onduty.service import posts
from chalicelib.onduty.service.presence import Areas, PostState, state_of
from chalicelib.registry import service as registry

SOURCE, KIND = "onduty", "post_vacant"


def alarm_key(post_id: str, occ: domain.Occurrence) -> str:
    return f"{post_id}:{occ.day.isoformat()}:{occ.shift.id}"


def _local_hm(ms: int) -> str:
    return domain.local_time(ms, get_settings().park_utc_offset_h).strftime("%H:%M")


def _raise(state: PostState, key: str, areas: Areas) -> str:
    post, occ = state.post, state.occurrence
    assert occ is not None and state.since_ms is not None  # an overdue state has both
    kind = domain.PostKind(post["kind"])
    lat, lon, _ = areas.of(post)[0]
    company = registry.enterprise(post["enterprise_id"], SYSTEM).name
    alarm_id = alarms.raise_event_alarm(
        alarms.EventAlarm(
            source=SOURCE,
            kind=KIND,
            key=key,
            enterprise_id=post["enterprise_id"],
            priority=Priority.HIGH if kind == domain.PostKind.SHIFT_LEADER else Priority.MEDIUM,
            title=f"【关键岗位空岗】{company}{post['name']}（{domain.KIND_LABEL[kind]}）"
            f"{occ.shift.name}自{_local_hm(state.since_ms)}起无人在岗",
            lat=lat,
            lon=lon,
            installation_id=post.get("installation_id"),
            details={
                "post_id": post["id"],
                "post_kind": kind.value,
                "shift_id": occ.shift.id,
                "date": occ.day.isoformat(),
                "reason": "absent" if state.people else "unassigned",
                "vacant_since": iso(state.since_ms),
            },
        )
    )
    store.VacancyAlarmModel(
        post["id"],
        key=key,
        enterprise_id=post["enterprise_id"],
        alarm_id=alarm_id,
        since_ms=state.since_ms,
        raised_ms=clock.now_ms(),
    ).save()
    return alarm_id


def _clear(held: store.VacancyAlarmModel) -> None:
    alarms.clear_event_alarm(SOURCE, held.key)
    with conditional():  # a concurrent sweep cleared it (or raised the next key) first
        held.delete(condition=store.VacancyAlarmModel.key == held.key)


def _step(post: dict[str, Any], held: store.VacancyAlarmModel | None, now: int, areas: Areas) -> tuple[int, int]:
    """(raised, cleared) for one post: the key due now, compared with the alarm it has open."""
    state = state_of(post, now, areas)
    due = alarm_key(post["id"], state.occurrence) if state.occurrence and state.overdue(now) else None
    cleared = raised = 0
    if held is not None and held.key != due:
        _clear(held)
        cleared = 1
    if due is not None and (held is None or held.key != due):
        _raise(state, due, areas)
        raised = 1
    return raised, cleared


def sweep() -> dict[str, int]:
    now, areas = clock.now_ms(), Areas()
    held = {a.post_id: a for a in store.VacancyAlarmModel.scan()}
    counts = {"posts": 0, "raised": 0, "cleared": 0, "failed": 0}
    changed: list[str] = []
    for item in store.PostModel.scan():
        counts["posts"] += 1
        try:
            raised, cleared = _step(item.data(), held.pop(item.id, None), now, areas)
        except Exception:  # one broken post (a registry entry gone) must not stop the others
            logger.exception("onduty sweep failed", extra={"post_id": item.id})
            counts["failed"] += 1
            continue
        counts["raised"] += raised
        counts["cleared"] += cleared
        if raised or cleared:
            changed.append(item.id)
    for orphan in held.values():  # the post was deleted between its delete and its alarm's clearing
        _clear(orphan)
        counts["cleared"] += 1
        changed.append(orphan.post_id)
    logger.info("onduty sweep", extra=counts)
    if changed:
        _audit(counts, changed)
    return counts


def _audit(counts: dict[str, int], changed: list[str]) -> None:
    """One audit entry per sweep that raised or cleared (no route audits the system's changes)."""
    try:
        details = {**counts, "posts_changed": changed[:200]}
        auditing.record(AuditEntry(actor="system", role="system", action="onduty.sweep", details=details))
    except Exception:  # the alarms stand; the gap is logged
        logger.exception("audit append failed", extra={"action": "onduty.sweep"})


def remove(post_id: str, who: Identity) -> None:
    """Delete a post, its roster and (the condition has ended) its open vacancy alarm."""
    posts.remove(post_id, who)
    try:
        held = store.VacancyAlarmModel.get(post_id, consistent_read=True)
    except store.VacancyAlarmModel.DoesNotExist:
        return
    _clear(held)
