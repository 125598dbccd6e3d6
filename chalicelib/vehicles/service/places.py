"""Designated hazmat transport routes (运输路线: a corridor, its gates and speed limit), hazmat parking lots
(停车场: area, capacity, admission list) and zone speed limits, managed by park roles and read by every role
(the admission lists by park roles only); and what position judging and the gate read of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.access import service as access
from chalicelib.core import clock, errors, ids
from chalicelib.core.geo import distance_to_line_m
from chalicelib.core.identity import SYSTEM, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import conditional, get_or_404
from chalicelib.registry import service as registry
from chalicelib.vehicles import domain, store
from chalicelib.vehicles.schemas import LotIn, RouteIn

GATE_SLACK_M = 50.0  # a gate's plotted point may sit this far beside the corridor's edge and still be on it
ADMISSION = ("admitted_plates", "admitted_carriers", "admitted_enterprises")


def _times(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "created_at": clock.iso(data["created_ms"]), "updated_at": clock.iso(data["updated_ms"])}


def _check_gates(body: RouteIn) -> None:
    for i, gate_id in enumerate(body.gate_ids):
        try:
            access.load_gate(gate_id, SYSTEM)
        except errors.AppError:
            raise errors.invalid_field(f"gate_ids.{i}", f"卡口 {gate_id} 不存在", "reference") from None


def _page(items: list[dict[str, Any]], limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Park-owned lists are short (tens of routes and lots): read whole, ordered by id, paged by the last id."""
    after = (decode_cursor(cursor) or {}).get("after")
    found = sorted((i for i in items if not after or i["id"] > after), key=lambda i: i["id"])
    page = found[:limit]
    return page, encode_cursor({"after": page[-1]["id"]}) if len(found) > limit else None


def _save(model: Any, item_id: str | None, body: Any, prefix: str) -> dict[str, Any]:
    now = clock.now_ms()
    if item_id is None:
        item = model(ids.new_id(prefix), doc=body.model_dump(mode="json"), created_ms=now, updated_ms=now)
        item.save(condition=model.id.does_not_exist())
    else:
        item = get_or_404(model, item_id, field="hazmat_route_id" if prefix == "hrt" else "lot_id")
        item.doc, item.updated_ms = body.model_dump(mode="json"), now
        with conditional(errors.CONFLICT(details={"id": item_id})):
            item.save()
    return dict(item.data())


def save_route(route_id: str | None, body: RouteIn) -> dict[str, Any]:
    _check_gates(body)
    return _times(_save(store.RouteModel, route_id, body, "hrt"))


def save_lot(lot_id: str | None, body: LotIn, who: Identity) -> dict[str, Any]:
    return lot_view(_save(store.LotModel, lot_id, body, "lot"), who)


def remove_route(route_id: str) -> None:
    """Delete a route; appointments naming it are then refused at the gate (OFF_ROUTE) until re-planned."""
    get_or_404(store.RouteModel, route_id, field="hazmat_route_id").delete()


def remove_lot(lot_id: str) -> None:
    get_or_404(store.LotModel, lot_id, field="lot_id").delete()


def routes() -> dict[str, dict[str, Any]]:
    return {i.id: i.data() for i in store.RouteModel.scan()}


def route_page(limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    items, next_cursor = _page(list(routes().values()), limit, cursor)
    return [_times(i) for i in items], next_cursor


def occupancy(lot_id: str) -> int:
    """Vehicles in the park standing or moving inside the lot now."""
    model = store.TrackModel
    return model.by_lot.count(lot_id, filter_condition=model.inside_key == store.INSIDE)


def lot_view(data: dict[str, Any], who: Identity) -> dict[str, Any]:
    out = _times({**data, "occupancy": occupancy(data["id"])})
    if who.is_enterprise_scoped:  # other enterprises' plates and carriers are the park's business
        out.update({k: [] for k in ADMISSION})
    return out


def lots() -> list[dict[str, Any]]:
    return [i.data() for i in store.LotModel.scan()]


def lot_page(who: Identity, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    items, next_cursor = _page(lots(), limit, cursor)
    return [lot_view(i, who) for i in items], next_cursor


def as_lot(data: Mapping[str, Any]) -> domain.Lot:
    return domain.Lot(
        data["id"],
        data["area"]["coordinates"][0],
        int(data["capacity"]),
        frozenset(access.normal_plate(p) for p in data.get("admitted_plates", [])),
        frozenset(data.get("admitted_carriers", [])),
        frozenset(data.get("admitted_enterprises", [])),
    )


def as_corridor(data: Mapping[str, Any]) -> domain.Corridor:
    return domain.Corridor(data["path"]["coordinates"], float(data["width_m"]), data.get("speed_limit_kmh"))


def set_zone_limit(zone_id: str, speed_limit_kmh: float, who: Identity) -> dict[str, Any]:
    registry.require(registry.ZONE, zone_id, who)  # NOT_FOUND for a zone that is not there
    item = store.ZoneLimitModel(zone_id, speed_limit_kmh=speed_limit_kmh, updated_ms=clock.now_ms())
    item.save()
    return {"zone_id": zone_id, "speed_limit_kmh": speed_limit_kmh, "updated_at": clock.iso(int(item.updated_ms))}


def zone_limits() -> list[dict[str, Any]]:
    return [
        {"zone_id": i.zone_id, "speed_limit_kmh": float(i.speed_limit_kmh), "updated_at": clock.iso(int(i.updated_ms))}
        for i in store.ZoneLimitModel.scan()
    ]


def limited_zones() -> list[tuple[registry.ZoneView, float]]:
    """Each registry zone with a vehicle speed limit, and the limit (a zone deleted since is left out)."""
    found = []
    for limit in zone_limits():
        try:
            found.append((registry.zone(limit["zone_id"], SYSTEM), limit["speed_limit_kmh"]))
        except errors.AppError:
            continue
    return found


def gate_on_route(route_id: str, gate: Mapping[str, Any] | None) -> bool | None:
    """The access port's route check: None when the route does not exist; a gate is on it when the route lists
    it, or (a route that lists no gates) when the gate stands within the corridor."""
    try:
        route = store.RouteModel.get(route_id, consistent_read=True).data()
    except store.RouteModel.DoesNotExist:
        return None
    if gate is None:
        return True
    if route.get("gate_ids"):
        return gate["id"] in route["gate_ids"]
    where = gate["location"]
    reach = float(route["width_m"]) / 2 + GATE_SLACK_M
    return distance_to_line_m(float(where["lat"]), float(where["lon"]), route["path"]["coordinates"]) <= reach
