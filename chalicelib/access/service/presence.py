"""Who is inside now (人员分布, 5.3.1) from the allowed gate events, the evacuation locator built on it, and the
access records (出入记录, kept ≥ 1 year) searchable by person, plate and time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.access import store
from chalicelib.access.domain import person_key, pseudonym, vehicle_key
from chalicelib.access.domain import presence as rules
from chalicelib.access.domain.gate import Credential
from chalicelib.access.service.common import masked_record, owner_out
from chalicelib.access.service.views import PersonInZone, Presence
from chalicelib.core import clock, errors
from chalicelib.core.geo import area_reasons
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.settings import get_settings
from chalicelib.core.store import conditional, filtered_page
from chalicelib.registry import service as registry

FAR_FUTURE_MS = 2**53


def apply(
    subject: str, kind: str, cred: Credential | None, direction: str, gate_zone: str | None, at: int, gate_id: str
) -> bool:
    """Move the subject's state for an allowed event unless a later event already moved it."""
    place = rules.move(direction, gate_zone)
    model = store.PresenceModel
    owner = cred.enterprise_id if cred and cred.enterprise_id else None
    if owner is None:
        try:
            owner = model.get(subject, consistent_read=True).enterprise_id  # leaving: keep whose they were
        except model.DoesNotExist:
            owner = PARK
    doc = {"name": cred.name if cred else "", "phone": cred.phone if cred else "", "gate_id": gate_id}
    item = model(
        subject,
        subject_kind=kind,
        enterprise_id=owner,
        inside_key=store.INSIDE if place.inside else None,
        zone_id=place.zone_id,
        last_ms=at,
        doc=doc,
    )
    with conditional() as write:
        item.save(condition=model.subject_key.does_not_exist() | (model.last_ms <= at))
    return not write.failed


def locate_vehicle(plate: str, enterprise_id: str | None, zone_id: str | None, at: int) -> bool:
    """A locator position of a vehicle (vehicle tracking) places it inside the park, in `zone_id` if given,
    unless a later event (a gate "out") already moved it; False when it did."""
    model, subject = store.PresenceModel, vehicle_key(plate)
    item = model(
        subject,
        subject_kind="vehicle",
        enterprise_id=enterprise_id or PARK,
        inside_key=store.INSIDE,
        zone_id=zone_id,
        last_ms=at,
        doc={"source": "locator"},
    )
    with conditional() as write:
        item.save(condition=model.subject_key.does_not_exist() | (model.last_ms <= at))
    return not write.failed


def vehicle_presence(plate: str) -> Presence | None:
    """Where the gates and locators last put a vehicle, None if never."""
    try:
        return Presence.of(store.PresenceModel.get(vehicle_key(plate), consistent_read=True).data())
    except store.PresenceModel.DoesNotExist:
        return None


def _inside(scope: str | None) -> list[dict[str, Any]]:
    model = store.PresenceModel
    cond = (model.enterprise_id == scope) if scope else None
    return [i.data() for i in model.by_inside.query(store.INSIDE, filter_condition=cond)]


def now_inside(who: Identity, zone_id: str | None, enterprise_id: str | None) -> dict[str, Any]:
    """People and vehicles inside the park (or one zone) now; an enterprise sees only its own."""
    now = clock.now_ms()
    scope = who.scope(enterprise_id)
    counted = rules.counts(_inside(scope), zone_id, now, get_settings().presence_max_age_s * 1000)
    return {**counted, "zone_id": zone_id, "as_of": clock.iso(now)}


def _zones(zone_ids: set[str]) -> dict[str, registry.ZoneView]:
    found = {}
    for zone_id in sorted(zone_ids):
        try:
            found[zone_id] = registry.zone(zone_id, SYSTEM)
        except errors.AppError:
            logger.warning("presence in a zone the registry no longer has", extra={"zone_id": zone_id})
    return found


class PresenceLocator:
    """People inside a zone (gate events) as the evacuation locator sees them: at their zone's centre, inside
    the evacuation area when that centre is in the ring or the zone's circle meets the isolation circle. People
    only inside the perimeter have no position and are left to the other sources (self-reported positions)."""

    def people_in(
        self,
        zone_ring: list[list[float]],
        isolation_center: Sequence[float] | dict[str, float] | None,
        isolation_radius_m: float,
    ) -> list[PersonInZone]:
        now, max_age = clock.now_ms(), get_settings().presence_max_age_s * 1000
        rows = [
            r for r in _inside(None) if r["subject_kind"] == "person" and r["zone_id"] and r["last_ms"] >= now - max_age
        ]
        zones = _zones({r["zone_id"] for r in rows})
        rows = [r for r in rows if r["zone_id"] in zones]  # a zone deleted since has no centre to place them at
        found = []
        for row in rows:
            zone = zones[row["zone_id"]]
            lat, lon = zone.center.lat, zone.center.lon
            reasons, dist = area_reasons(lat, lon, zone_ring, isolation_center, isolation_radius_m, zone.radius_m)
            if reasons and row.get("phone"):
                found.append(
                    PersonInZone(
                        person_id=pseudonym(row["subject_key"]),
                        name=row.get("name") or "访客",
                        phone=row["phone"],
                        enterprise_id=owner_out(row["enterprise_id"]),
                        lat=lat,
                        lon=lon,
                        ts=int(row["last_ms"]),
                        zone_id=row["zone_id"],
                        distance_m=None if dist is None else round(dist, 1),
                        reasons=reasons,
                    )
                )
        return sorted(found, key=lambda p: p.person_id)


def records(
    who: Identity,
    person: str | None,
    plate: str | None,
    enterprise_id: str | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Gate events newest first: of a person or a plate, of an enterprise, or park-wide, within [from, to]."""
    model, scope = store.AccessEventModel, who.scope(enterprise_id)
    window = model.at_ms.between(clock.to_ms(start) if start else 0, clock.to_ms(end) if end else FAR_FUTURE_MS)
    last = decode_cursor(cursor)
    filtered = False
    if person or plate:
        key = person_key(person) if person else vehicle_key(str(plate))
        cond = (model.enterprise_id == scope) if scope else None
        filtered = cond is not None
        results: Any = model.by_subject.query(
            key, window, filter_condition=cond, scan_index_forward=False, last_evaluated_key=last
        )
    elif scope:
        results = model.by_enterprise.query(scope, window, scan_index_forward=False, last_evaluated_key=last)
    else:
        filtered, results = True, model.scan(window, last_evaluated_key=last)
    items, last_key = filtered_page(model, results, limit, filtered=filtered)
    return [masked_record(i.data(), who) for i in items], encode_cursor(last_key)
