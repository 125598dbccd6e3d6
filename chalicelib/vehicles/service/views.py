"""What the API shows of vehicles: the ones in the park now (list and live map layer, GeoJSON RFC 7946), their
position records (≥ 1 year), and the sweep that judges vehicles that send nothing new (dwell, long stops) and
ends the trips the gates saw leave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.access import service as access
from chalicelib.core import auditing, clock
from chalicelib.core.auditing import AuditEntry
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import filtered_page, scoped_page
from chalicelib.vehicles import store
from chalicelib.vehicles.service import tracks

FAR_FUTURE_MS = 2**53


def _owner(enterprise_id: str) -> str | None:
    return None if enterprise_id == PARK else enterprise_id


def vehicle_view(data: dict[str, Any], who: Identity) -> dict[str, Any]:
    fix = data.get("fix") or {}
    driver = data.get("driver")
    return {
        **data,
        "enterprise_id": _owner(data["enterprise_id"]),
        "driver": access.masked_person(driver, who).public() if driver else None,
        "location": {"lat": fix.get("lat", 0.0), "lon": fix.get("lon", 0.0)},
        "speed_kmh": data.get("speed_kmh") or 0.0,
        "conditions": data["open"],
        "at": clock.iso(data["last_ms"]),
        "entered_at": clock.iso(data["entered_ms"]),
    }


def vehicle_page(
    who: Identity, enterprise_id: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Vehicles in the park now, latest fix first; an enterprise sees those of its own appointments."""
    model, scope = store.TrackModel, who.scope(enterprise_id)
    if scope:
        inside = model.inside_key == store.INSIDE
        items, last = scoped_page(model, model.by_enterprise, scope, inside, limit, decode_cursor(cursor))
    else:
        items, last = scoped_page(model, model.by_inside, store.INSIDE, None, limit, decode_cursor(cursor))
    return [vehicle_view(i.data(), who) for i in items], encode_cursor(last)


def features(who: Identity, enterprise_id: str | None) -> dict[str, Any]:
    """The live vehicles layer (Contract C): one Point per vehicle in the park, [lon, lat]."""
    model, scope = store.TrackModel, who.scope(enterprise_id)
    cond = (model.enterprise_id == scope) if scope else None
    found = []
    for item in model.by_inside.query(store.INSIDE, filter_condition=cond):
        data = item.data()
        fix = data.get("fix")
        if not fix:
            continue
        found.append(
            {
                "type": "Feature",
                "id": item.plate,
                "geometry": {"type": "Point", "coordinates": [fix["lon"], fix["lat"]]},
                "properties": {
                    "kind": "vehicle",
                    "name": item.plate,
                    "plate": item.plate,
                    "appointment_id": item.appointment_id,
                    "enterprise_id": _owner(item.enterprise_id),
                    "state": data.get("state", "moving"),
                    "speed_kmh": data.get("speed_kmh") or 0.0,
                    "at": clock.iso(int(item.last_ms)),
                    "conditions": data["open"],
                },
            }
        )
    return {"type": "FeatureCollection", "features": sorted(found, key=lambda f: f["id"])}


def positions(
    who: Identity,
    plate: str | None,
    enterprise_id: str | None,
    start: datetime | None,
    end: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Position records newest first: of a plate, of an enterprise's trips, or park-wide, within [from, to]."""
    model, scope = store.PositionModel, who.scope(enterprise_id)
    window = model.at_ms.between(clock.to_ms(start) if start else 0, clock.to_ms(end) if end else FAR_FUTURE_MS)
    last, filtered = decode_cursor(cursor), False
    if plate:
        cond = (model.enterprise_id == scope) if scope else None
        filtered = cond is not None
        key = access.normal_plate(plate)
        results: Any = model.by_plate.query(
            key, window, filter_condition=cond, scan_index_forward=False, last_evaluated_key=last
        )
    elif scope:
        results = model.by_enterprise.query(scope, window, scan_index_forward=False, last_evaluated_key=last)
    else:
        filtered, results = True, model.scan(window, last_evaluated_key=last)
    items, last_key = filtered_page(model, results, limit, filtered=filtered)
    out = [
        {
            **(data := i.data()),
            "enterprise_id": _owner(data["enterprise_id"]),
            "at": clock.iso(data["at_ms"]),
            "received_at": clock.iso(data["received_ms"]),
        }
        for i in items
    ]
    return out, encode_cursor(last_key)


def sweep() -> dict[str, int]:
    """Every vehicle in the park: end the trips the gates saw leave; raise overstay and long stops outside a
    lot that time alone brought about (a parked truck's locator may send nothing new)."""
    now = clock.now_ms()
    counts = {"vehicles": 0, "left": 0, "changed": 0}
    for item in store.TrackModel.by_inside.query(store.INSIDE):
        counts["vehicles"] += 1
        try:
            done = tracks.sweep_one(item, now, access.vehicle_presence(item.plate))
        except Exception:  # one broken track must not stop the others
            logger.exception("vehicle sweep failed", extra={"plate": item.plate})
            continue
        if done:
            counts[done] += 1
    logger.info("vehicle sweep", extra=counts)
    if counts["left"] or counts["changed"]:
        try:
            auditing.record(AuditEntry(actor="system", role="system", action="vehicles.sweep", details=counts))
        except Exception:  # the tracks are kept; the gap is logged
            logger.exception("audit append failed", extra={"action": "vehicles.sweep"})
    return counts
