"""Who is inside (人员分布, 5.3.1): each person's and vehicle's place from the gate events that admitted them.

One state per subject, moved only by allowed events in time order: "in" at a perimeter gate (one that bounds
no zone) puts the subject in the park, "in" at a zone's gate in that zone; "out" at a zone's gate leaves it for
the park, "out" at a perimeter gate leaves the park. Robust to a missing "out": a second "in" replaces the
state (nobody is counted twice), and a subject with no event for `max_age_ms` (default 24 h) is no longer
counted: the count errs towards people who certainly are inside, and `stale` says how many were dropped.
An event older than the subject's state is recorded but moves nothing (devices deliver late and out of order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Place:
    inside: bool
    zone_id: str | None


def move(direction: str, gate_zone_id: str | None) -> Place:
    """Where an allowed event leaves its subject (whatever the state before: a missing event is repaired)."""
    if direction == "in":
        return Place(True, gate_zone_id)
    if gate_zone_id:
        return Place(True, None)  # out of a zone, still in the park
    return Place(False, None)


def applies(last_ms: int | None, at_ms: int) -> bool:
    """An event moves the state only if it is not older than the last one that did."""
    return last_ms is None or at_ms >= last_ms


def counts(rows: Iterable[Mapping[str, Any]], zone_id: str | None, now_ms: int, max_age_ms: int) -> dict[str, Any]:
    """People and vehicles inside (the park, or one zone), in total and per enterprise, plus stale drops."""
    people = vehicles = stale = 0
    by_enterprise: dict[str, dict[str, int]] = {}
    for row in rows:
        if not row["inside"] or (zone_id is not None and row.get("zone_id") != zone_id):
            continue
        if row["last_ms"] < now_ms - max_age_ms:
            stale += 1
            continue
        kind = "vehicles" if row["subject_kind"] == "vehicle" else "people"
        ent = by_enterprise.setdefault(row["enterprise_id"], {"people": 0, "vehicles": 0})
        ent[kind] += 1
        if kind == "vehicles":
            vehicles += 1
        else:
            people += 1
    return {"people": people, "vehicles": vehicles, "by_enterprise": by_enterprise, "stale": stale}
