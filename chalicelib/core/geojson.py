"""GeoJSON (RFC 7946) building blocks every context's map layer uses: points, circles, features, collections.

Plain dicts, so a layer costs no model construction per feature; the typed models (geojson-pydantic) describe
the same shapes in OpenAPI only (chalicelib/onemap/models.py, imported when the document is built). RFC 7946
order is [longitude, latitude] everywhere, and a polygon's ring is closed (first position repeated last).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chalicelib.core.geo import EARTH_RADIUS_M
from chalicelib.core.lazy import NamedRef

MEDIA_TYPE = "application/geo+json"
POINT_LAYER = NamedRef("chalicelib.core.geojson_models", "PointLayer")  # a route's response model, for OpenAPI
CIRCLE_VERTICES = 48  # a zone circle as a polygon: < 0.3 % area error at any radius


def point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]}


def point_of(location: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A `{lat, lon}` location as a Point, or None when the entity has no location."""
    if not location or location.get("lat") is None or location.get("lon") is None:
        return None
    return point(location["lat"], location["lon"])


def closed(ring: Sequence[Sequence[float]]) -> list[list[float]]:
    """The ring with its first position repeated at the end (RFC 7946 3.1.6), unchanged when already closed."""
    out = [[float(x) for x in p] for p in ring]
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def circle(lat: float, lon: float, radius_m: float, vertices: int = CIRCLE_VERTICES) -> dict[str, Any]:
    """A circle on the ground as a closed, counter-clockwise Polygon (local equirectangular plane)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    ring = [
        [round(lon + dlon * math.cos(a), 7), round(lat + dlat * math.sin(a), 7)]
        for a in (2 * math.pi * i / vertices for i in range(vertices))
    ]
    return {"type": "Polygon", "coordinates": [closed(ring)]}


def feature(
    feature_id: str, geometry: Mapping[str, Any] | None, kind: str, name: str, **properties: Any
) -> dict[str, Any]:
    """A Feature with the properties every layer shares (contract C): string id, `kind`, zh-CN `name`."""
    return {
        "type": "Feature",
        "id": str(feature_id),
        "geometry": dict(geometry) if geometry is not None else None,
        "properties": {"kind": kind, "name": name, **properties},
    }


def collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the features that have a geometry (a map cannot draw the others)."""
    return {"type": "FeatureCollection", "features": [f for f in features if f.get("geometry")]}
