"""What the on-duty context shows: the status of an enterprise's key posts now (GET /onduty/status) and the
vacancies the enterprise risk profile counts (CONTRACTS.md "Key-post vacancies")."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.clock import from_ms
from chalicelib.core.identity import Identity
from chalicelib.onduty import domain
from chalicelib.onduty.service.posts import posts_of
from chalicelib.onduty.service.presence import Areas, PostState, state_of
from chalicelib.registry import service as registry


def _shape(state: PostState, now: int) -> dict[str, Any]:
    post, occ = state.post, state.occurrence
    out: dict[str, Any] = {
        "post_id": post["id"],
        "name": post["name"],
        "kind": post["kind"],
        "installation_id": post.get("installation_id"),
        "state": "off_shift" if occ is None else ("vacant" if state.since_ms is not None else "present"),
        "shift": None,
        "on_duty": [],
        "vacant_since": from_ms(state.since_ms) if state.since_ms is not None else None,
        "alarm": state.overdue(now),
    }
    if occ is not None:
        out["shift"] = {
            "id": occ.shift.id,
            "name": occ.shift.name,
            "date": occ.day,
            "starts_at": from_ms(occ.start_ms),
            "ends_at": from_ms(occ.end_ms),
        }
        for person in state.people:
            seen = state.present.get(person["person_id"])
            out["on_duty"].append(
                {
                    "person_id": person["person_id"],
                    "name": person["name"],
                    "present": seen is not None,
                    "via": seen.via if seen else None,
                    "since": from_ms(seen.start_ms) if seen else None,
                }
            )
    return out


def status(enterprise_id: str | None, who: Identity) -> dict[str, Any]:
    """Each key post of one enterprise: who is on duty and present, or vacant since when (5.1.2-1)."""
    eid = who.scope(enterprise_id)
    if eid is None:
        raise errors.invalid_field("enterprise_id", "园区用户须指定企业", "missing")
    registry.enterprise(eid, who)
    now, areas = clock.now_ms(), Areas()
    posts = sorted(posts_of(eid), key=lambda p: p["created_ms"])
    return {"enterprise_id": eid, "at": from_ms(now), "posts": [_shape(state_of(p, now, areas), now) for p in posts]}


def vacancies(enterprise_id: str) -> list[domain.Vacancy]:
    """Key posts of the enterprise vacant now, during their shift, for longer than the grace period (the same
    condition that raises the vacancy alarm), oldest first."""
    now, areas, found = clock.now_ms(), Areas(), []
    for post in posts_of(enterprise_id):
        state = state_of(post, now, areas)
        if state.since_ms is not None and state.overdue(now):
            found.append(domain.Vacancy(post["id"], post["name"], post.get("installation_id"), state.since_ms))
    return sorted(found, key=lambda v: (v.since_ms, v.post_id))
