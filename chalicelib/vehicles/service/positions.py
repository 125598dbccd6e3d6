"""Locator positions (危化品车辆定位, 5.3.1): each stored once (by the locator's event id, else by plate and time)
and kept ≥ 1 year, judged against the vehicle's trip (its approved hazmat appointment and route), moving the
vehicle's track, its alarms, parking-lot occupancy and the vehicle's presence in the park and its zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.access import service as access
from chalicelib.core import clock, errors
from chalicelib.core.geo import distance_m
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional
from chalicelib.registry import service as registry
from chalicelib.vehicles import domain, store
from chalicelib.vehicles.schemas import PositionIn
from chalicelib.vehicles.service import places, tracks

FUTURE_SLACK_MS = 5 * 60 * 1000  # locator clocks drift; beyond this a time is wrong, not early
RETRIES = 3  # a concurrent batch of the same vehicle moved its track: judge again on the new one


class Batch:
    """What one call reads once for all its positions: routes, lots, zones and each plate's trip."""

    def __init__(self) -> None:
        self.routes = places.routes()
        self.lot_docs = {d["id"]: d for d in places.lots()}
        self.lots = [places.as_lot(d) for d in self.lot_docs.values()]
        self.limited = places.limited_zones()
        self._zones: list[registry.ZoneView] | None = None
        self.trips: dict[tuple[str, int], access.Trip | None] = {}

    def trip(self, plate: str, at: int) -> access.Trip | None:
        if (plate, at) not in self.trips:
            self.trips[(plate, at)] = access.trip_of(plate, at)
        return self.trips[(plate, at)]

    def zones(self) -> list[registry.ZoneView]:
        if self._zones is None:
            self._zones = registry.zones(SYSTEM)
        return self._zones


def _within(zone: registry.ZoneView, lat: float, lon: float) -> float | None:
    """The distance from the zone's centre when the point is inside its circle."""
    d = distance_m(lat, lon, zone.center.lat, zone.center.lon)
    return d if d <= zone.radius_m else None


def zone_at(zones: list[registry.ZoneView], lat: float, lon: float) -> str | None:
    """The smallest zone whose circle holds the point (the innermost, where zones nest)."""
    inside = [z for z in zones if _within(z, lat, lon) is not None]
    return min(inside, key=lambda z: z.radius_m).id if inside else None


def _store(p: PositionIn, plate: str, at: int, owner: str, trip: access.Trip | None) -> bool:
    """Keep the position as a record (TTL: its time plus `access_retention_days`); False when already kept."""
    key = f"{plate}#{p.event_id}" if p.event_id else f"{plate}@{at}"
    doc = {
        "event_id": p.event_id,
        "location": p.location.model_dump(),
        "speed_kmh": p.speed_kmh,
        "heading_deg": p.heading_deg,
        "appointment_id": trip.id if trip else None,
    }
    keep = timedelta(days=get_settings().access_retention_days)
    item = store.PositionModel(
        key,
        plate=plate,
        enterprise_id=owner,
        at_ms=at,
        doc=doc,
        received_ms=clock.now_ms(),
        expires=datetime.fromtimestamp(-(-at // 1000), UTC) + keep,
    )
    with conditional() as write:
        item.save(condition=store.PositionModel.key.does_not_exist())
    return not write.failed


def _trip_doc(trip: access.Trip | None) -> dict[str, Any]:
    return {
        "route_id": trip.route_id if trip else None,
        "carrier": trip.carrier if trip else None,
        "driver": trip.driver.public() if trip and trip.driver else None,
    }


def _fresh(plate: str, owner: str, trip: access.Trip | None, at: int) -> store.TrackModel:
    """A new trip: it entered at its gate "in" when the gates saw one before this fix, else now."""
    seen = access.vehicle_presence(plate)
    entered = at
    if seen and seen.inside and seen.gate_id and seen.last_ms <= at:
        entered = seen.last_ms
    return store.TrackModel(
        plate, enterprise_id=owner, appointment_id=trip.id if trip else None, entered_ms=entered, last_ms=0
    )


def _judge(plate: str, fix: domain.Fix, owner: str, trip: access.Trip | None, batch: Batch) -> dict[str, Any]:
    trip_id = trip.id if trip else None
    for _ in range(RETRIES):
        item = tracks.load(plate)
        same_trip = item is not None and item.inside_key == store.INSIDE and item.appointment_id == trip_id
        if item is not None and (same_trip or item.inside_key != store.INSIDE) and int(item.last_ms) > fix.at_ms:
            return {"status": "stale"}  # older than the judged fix, or than the trip's end: recorded only
        lot_before = item.lot_id if item is not None and item.inside_key == store.INSIDE else None
        if item is None or not same_trip:
            old, item = item, _fresh(plate, owner, trip, fix.at_ms)
            if old is not None:
                item.version = old.version  # replace the ended trip in place (version-checked)
                if old.inside_key == store.INSIDE:
                    tracks.announce(old, frozenset(domain.Condition(c) for c in old.open or ()), ())
        track = tracks.as_track(item) if item.last_ms else _first(item, trip)
        info = _trip_doc(trip)
        route = batch.routes.get(info["route_id"] or "")
        corridor = places.as_corridor(route) if route else None
        zone_limits = [limit for zone, limit in batch.limited if _within(zone, fix.lat, fix.lon) is not None]
        verdict = domain.judge(track, fix, corridor, batch.lots, zone_limits, tracks.limits())
        if tracks.apply(item, verdict, info):
            tracks.announce(item, track.open, verdict.conditions)
            if lot_before != item.lot_id:
                tracks.recount([lot_before, item.lot_id])
            return {"status": "accepted", "state": verdict.state, "conditions": sorted(verdict.conditions)}
    logger.warning("vehicle track contended", extra={"plate": plate, "at_ms": fix.at_ms})
    return {"status": "accepted", "state": None, "conditions": []}


def _first(item: store.TrackModel, trip: access.Trip | None) -> domain.Track:
    info = _trip_doc(trip)
    owner = None if item.enterprise_id == PARK else item.enterprise_id
    return domain.Track(item.plate, int(item.entered_ms), carrier=info["carrier"], enterprise_id=owner)


def _one(p: PositionIn, who: Identity, batch: Batch) -> dict[str, Any]:
    plate, at = access.normal_plate(p.plate), clock.to_ms(p.at)
    out: dict[str, Any] = {"event_id": p.event_id, "plate": plate, "at": clock.iso(at), "conditions": []}
    trip = batch.trip(plate, at)
    owner = trip.enterprise_id if trip else PARK
    if not who.can_see(owner):  # an enterprise's locator platform reports only its own trips' vehicles
        return {**out, "status": "refused", "reason": "VEHICLE_UNKNOWN"}
    if not _store(p, plate, at, owner, trip):
        return {**out, "status": "duplicate"}
    fix = domain.Fix(at, p.location.lat, p.location.lon, p.speed_kmh)
    judged = _judge(plate, fix, owner, trip, batch)
    if judged["status"] == "accepted":
        access.locate_vehicle(plate, owner, zone_at(batch.zones(), fix.lat, fix.lon), at)
    return {**out, **judged}


def intake(positions: list[PositionIn], who: Identity) -> list[dict[str, Any]]:
    """Judge a batch in order (a locator platform sends what its terminals reported since the last call). A
    position dated ahead of the clock is refused before any is judged (it would pin the vehicle's track), and one
    older than the records' retention too."""
    now = clock.now_ms()
    oldest = now - get_settings().access_retention_days * 86_400_000  # its record would expire on arrival
    for i, p in enumerate(positions):
        at = clock.to_ms(p.at)
        if at > now + FUTURE_SLACK_MS:
            raise errors.invalid_field(f"positions.{i}.at", "定位时间晚于当前时间（终端时钟偏差超过 5 分钟）", "future")
        if at < oldest:
            raise errors.invalid_field(f"positions.{i}.at", "定位时间早于记录保存期限", "too_old")
    batch = Batch()
    results: dict[int, dict[str, Any]] = {}
    for i in sorted(range(len(positions)), key=lambda i: clock.to_ms(positions[i].at)):
        results[i] = _one(positions[i], who, batch)
    return [results[i] for i in range(len(positions))]
