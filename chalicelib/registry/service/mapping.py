"""The registry's map layers (一张图): park boundary and cameras as GeoJSON, the zones a map shows, and the
boundary's record.

Park-owned entities (the boundary, park zones, park cameras) are drawn for every role; an enterprise user sees
its own enterprise's zones and cameras beside them, never another enterprise's (contract C).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, geojson
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.settings import get_settings
from chalicelib.registry import gb28181, store
from chalicelib.registry.service.entities import get_park
from chalicelib.registry.service.lookups import ZoneView, zone_view

BOUNDARY_ID = "boundary"  # its own item in the park table: PUT /park replaces the park document wholesale


def _owned(model: type[store.DocModel], who: Identity) -> Iterator[store.DocModel]:
    """Every item a map shows the caller: all of them for park roles, else the park's and its own."""
    if who.enterprise_id is None:
        yield from model.scan()
        return
    for owner in (PARK, who.enterprise_id):
        yield from model.by_enterprise.query(owner)  # type: ignore[attr-defined]


def _owner(item: store.DocModel) -> str | None:
    value = getattr(item, "enterprise_id", None)
    return None if value in (None, PARK) else value


def boundary() -> dict[str, Any] | None:
    try:
        return store.ParkModel.get(BOUNDARY_ID, consistent_read=True).data()
    except DoesNotExist:
        return None


def put_boundary(body: BaseModel) -> dict[str, Any]:
    """Set (replace) the park boundary; returns it as stored."""
    doc, now = body.model_dump(mode="json"), clock.now_ms()
    try:
        item = store.ParkModel.get(BOUNDARY_ID, consistent_read=True)
        saved = store.save_existing(item, doc, now)
    except DoesNotExist:
        saved = store.save_new(store.ParkModel, BOUNDARY_ID, doc, now)
    return {**saved.data(), "updated_at": clock.iso(now)}


def boundary_features(who: Identity) -> dict[str, Any]:
    found, park_id = boundary(), get_settings().park_id
    if found is None:
        return geojson.collection([])
    park = get_park() or {}
    name = found.get("name") or park.get("name") or "园区边界"
    geometry = {"type": found["type"], "coordinates": found["coordinates"]}
    return geojson.collection([geojson.feature(park_id, geometry, "boundary", name, park_id=park_id)])


def map_zones(who: Identity) -> list[ZoneView]:
    """The zones the map shows the caller, by id (access draws them as circles with their access level)."""
    return sorted((zone_view(item.data()) for item in _owned(store.ZoneModel, who)), key=lambda z: z.id)


def camera_features(who: Identity) -> dict[str, Any]:
    out = []
    for item in _owned(store.CameraModel, who):
        c = item.data()
        parsed = gb28181.parse_device_id(c["id"])
        out.append(
            geojson.feature(
                c["id"],
                geojson.point_of(c.get("location")),
                "camera",
                c["name"],
                camera_id=c["id"],
                gb28181_id=c["id"],
                enterprise_id=_owner(item),
                installation_id=c.get("installation_id"),
                ptz=bool(c.get("ptz", False)),
                type_label=parsed.type_label,
            )
        )
    return geojson.collection(sorted(out, key=lambda f: f["id"]))
