"""A vehicle's track (its current trip): reading and writing it, turning a judged fix or a sweep into alarms
raised and cleared, and parking-lot occupancy after a vehicle enters or leaves a lot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.access import service as access
from chalicelib.core import clock
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.vehicles import domain, store
from chalicelib.vehicles.service import alarms, places


def limits() -> domain.Limits:
    s = get_settings()
    return domain.Limits(s.vehicle_dwell_max_s * 1000, s.vehicle_stop_max_s * 1000, s.vehicle_speed_limit_kmh)


def load(plate: str) -> store.TrackModel | None:
    try:
        return store.TrackModel.get(plate, consistent_read=True)
    except store.TrackModel.DoesNotExist:
        return None


def as_track(item: store.TrackModel) -> domain.Track:
    doc = item.doc
    fix = doc.get("fix")
    last = domain.Fix(int(fix["at_ms"]), float(fix["lat"]), float(fix["lon"]), fix.get("speed_kmh")) if fix else None
    return domain.Track(
        item.plate,
        int(item.entered_ms),
        last,
        None if item.stopped_since_ms is None else int(item.stopped_since_ms),
        item.lot_id,
        doc.get("carrier"),
        None if item.enterprise_id == "_park" else item.enterprise_id,
        frozenset(domain.Condition(c) for c in item.open or ()),
    )


def fix_doc(fix: domain.Fix) -> dict[str, Any]:
    return {"at_ms": fix.at_ms, "at": clock.iso(fix.at_ms), "lat": fix.lat, "lon": fix.lon, "speed_kmh": fix.speed_kmh}


def apply(item: store.TrackModel, verdict: domain.Verdict, doc: dict[str, Any]) -> bool:
    """Store a judged fix on the track (version-checked); False when a concurrent write won."""
    after = verdict.track
    assert after.last is not None
    item.inside_key = store.INSIDE
    item.lot_id = after.lot_id
    item.last_ms = after.last.at_ms
    item.stopped_since_ms = after.stopped_since_ms
    item.open = {c.value for c in verdict.conditions} or None
    item.doc = {
        **doc,
        "fix": fix_doc(after.last),
        "state": verdict.state,
        "speed_kmh": verdict.speed_kmh,
        "limit_kmh": verdict.limit_kmh,
        "offset_m": verdict.offset_m,
    }
    with conditional() as write:
        item.save()
    return not write.failed


def announce(item: store.TrackModel, before: frozenset[domain.Condition], now: Iterable[domain.Condition]) -> None:
    """Raise the conditions that started and clear those that ended (one alarm per vehicle and condition)."""
    raised, cleared = domain.transitions(before, frozenset(now))
    data = item.data()
    for cond in raised:
        alarms.raise_for(data, cond)
    for cond in cleared:
        alarms.clear_for(item.plate, cond)


def recount(lot_ids: Iterable[str | None]) -> None:
    """A vehicle entered or left these lots: compare each one's occupancy with its capacity."""
    for lot_id in sorted({i for i in lot_ids if i}):
        try:
            lot = store.LotModel.get(lot_id).data()
        except store.LotModel.DoesNotExist:
            continue
        alarms.lot_capacity(lot, places.occupancy(lot_id))


def leave(item: store.TrackModel, out_ms: int) -> None:
    """The vehicle left the park (a gate "out" after its last fix): end the trip and clear its alarms; a fix
    older than the exit is recorded but starts no new trip."""
    before = frozenset(domain.Condition(c) for c in item.open or ())
    lot_id = item.lot_id
    doc = item.doc
    item.inside_key, item.lot_id, item.open, item.stopped_since_ms = None, None, None, None
    item.last_ms = max(int(item.last_ms), out_ms)
    item.doc = {**doc, "state": "left"}
    with conditional() as write:
        item.save()
    if not write.failed:
        announce(item, before, ())
        recount([lot_id])


def sweep_one(item: store.TrackModel, now: int, presence: access.Presence | None) -> str:
    """What the sweep did to one vehicle in the park: "left", "changed" (a timed condition started) or ""."""
    if presence is not None and not presence.inside and presence.last_ms >= int(item.last_ms):
        leave(item, presence.last_ms)
        return "left"
    track = as_track(item)
    after = domain.still(track, now, limits())
    if after == track.open:
        return ""
    item.open = {c.value for c in after} or None
    with conditional() as write:
        item.save()
    if write.failed:  # a position judged it meanwhile: its verdict stands
        return ""
    announce(item, track.open, after)
    return "changed"
