"""People-location port (人员定位): who is where, until the park has an access-control module.

The default adapter keeps the latest position each person reported through POST /people/positions
(access gates, location badges, the mobile app); positions older than an hour are ignored. The duty
roster's people sit in the control room, not in the plants: they count only if they report positions.
A real access-control or UWB system plugs in as `linkage.ports.Locator`, wired in chalicelib/bootstrap.py.

Tenancy (issue 10, finding 7): a position belongs to an enterprise (or to the park: staff, visitors). A feed
bound to an enterprise reports only that enterprise's people; naming another is ENTERPRISE_SCOPE. People ids
are each enterprise's own (keyed `<enterprise>/<person_id>`), so a feed cannot overwrite or shadow another
enterprise's person, and whose phone an evacuation text goes to is decided by the enterprise that reported it.
Park-level feeds (park integration, operations) report for any enterprise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.clock import to_ms
from chalicelib.core.geo import area_reasons
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.store import conditional
from chalicelib.linkage import ports, store
from chalicelib.linkage.ports import Center
from chalicelib.linkage.schemas import PositionIn

MAX_AGE_MS = 3600 * 1000  # a position older than an hour says nothing about where the person is now
FUTURE_SLACK_MS = 5 * 60 * 1000  # device clocks drift; beyond this a timestamp is wrong, not early


@dataclass(frozen=True)
class ReportedPerson:
    """A person placed by their own latest reported position (a `linkage.ports.LocatedPerson`)."""

    person_id: str
    name: str
    phone: str
    enterprise_id: str | None
    lat: float
    lon: float
    source: str
    ts: int
    distance_m: float | None
    reasons: tuple[str, ...]


class ReportedPositions:
    """The latest self-reported position per person (the positions table): the default `linkage.ports.Locator`."""

    def people_in(
        self, zone_ring: list[list[float]], isolation_center: Center | None, isolation_radius_m: float
    ) -> list[ReportedPerson]:
        cutoff = clock.now_ms() - MAX_AGE_MS
        found = []
        for p in store.PositionModel.scan(store.PositionModel.ts >= cutoff):
            lat, lon = float(p.lat), float(p.lon)
            reasons, dist = area_reasons(lat, lon, zone_ring, isolation_center, isolation_radius_m)
            if reasons:
                found.append(
                    ReportedPerson(
                        person_id=p.person_id,
                        name=p.name,
                        phone=p.phone,
                        enterprise_id=p.enterprise_id,
                        lat=lat,
                        lon=lon,
                        source=p.source,
                        ts=int(p.ts),
                        distance_m=None if dist is None else round(dist, 1),
                        reasons=reasons,
                    )
                )
        return sorted(found, key=lambda p: p.person_id)


class Combined:
    """Several locators as one (e.g. self-reported positions and the access context's presence): each person
    once, as the first source that found them reports them (list the most precise source first)."""

    def __init__(self, *sources: ports.Locator) -> None:
        self.sources = sources

    def people_in(
        self, zone_ring: list[list[float]], isolation_center: Center | None, isolation_radius_m: float
    ) -> list[ports.LocatedPerson]:
        found: dict[str, ports.LocatedPerson] = {}
        for source in self.sources:
            for person in source.people_in(zone_ring, isolation_center, isolation_radius_m):
                found.setdefault(person_key(person.enterprise_id, person.person_id), person)
        return sorted(found.values(), key=lambda p: p.person_id)


def people_in(
    zone_ring: list[list[float]], isolation_center: Center | None, isolation_radius_m: float
) -> Sequence[ports.LocatedPerson]:
    """People inside the zone ring ([[lon, lat], ...]) or the isolation circle (centre as (lat, lon) or
    {"lat", "lon"}), each with `reasons` ("zone", "isolation") and distance to the centre."""
    return ports.locator().people_in(zone_ring, isolation_center, isolation_radius_m)


def person_key(enterprise_id: str | None, person_id: str) -> str:
    """The key of a person's position and evacuation notice: ids are unique within their enterprise only."""
    return f"{enterprise_id or PARK}/{person_id}"


def report(body: PositionIn, who: Identity) -> dict[str, Any]:
    """Keep the latest position per person; an older or stale report is acknowledged and ignored. An
    enterprise-bound caller reports for its own enterprise (the body's enterprise_id defaults to it)."""
    enterprise_id = body.enterprise_id
    if who.enterprise_id is not None:
        who.ensure_can_write(enterprise_id or who.enterprise_id)
        enterprise_id = who.enterprise_id
    ts, now = to_ms(body.ts), clock.now_ms()
    if ts > now + FUTURE_SLACK_MS:
        raise errors.invalid_field("ts", "定位时间晚于当前时间", "future")
    if ts < now - MAX_AGE_MS:
        return {"person_id": body.person_id, "accepted": False, "reason": "stale"}
    item = store.PositionModel(
        person_key(enterprise_id, body.person_id),
        person_id=body.person_id,
        name=body.name,
        phone=body.phone,
        lat=body.lat,
        lon=body.lon,
        enterprise_id=enterprise_id,
        source=body.source,
        ts=ts,
        received_ms=now,
    )
    with conditional() as write:
        item.save(condition=store.PositionModel.key.does_not_exist() | (store.PositionModel.ts < ts))
    if write.failed:
        return {"person_id": body.person_id, "accepted": False, "reason": "older_than_latest"}
    return {"person_id": body.person_id, "accepted": True, "reason": None}


def last_seen(enterprise_id: str, person_ids: list[str]) -> dict[str, tuple[float, float, int]]:
    """The latest reported position (lat, lon, ts ms) of each of an enterprise's people that has one: the
    on-duty context's presence port (onduty.ports.LastSeen), wired in chalicelib/bootstrap.py."""
    keys = [person_key(enterprise_id, p) for p in dict.fromkeys(person_ids)]
    found = store.PositionModel.batch_get(keys) if keys else []
    return {p.person_id: (float(p.lat), float(p.lon), int(p.ts)) for p in found}
