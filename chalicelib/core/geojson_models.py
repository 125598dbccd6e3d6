"""A typed GeoJSON point layer (geojson-pydantic) whose properties are the owning context's own read model, for
the OpenAPI document of layers not composed by `onemap`: imported only through `core.geojson.POINT_LAYER`
(a core.lazy.NamedRef), never at cold start."""

from __future__ import annotations

from typing import Any

from geojson_pydantic import Feature, FeatureCollection, Point


class PointLayer(FeatureCollection[Feature[Point, dict[str, Any]]]):
    """RFC 7946 FeatureCollection of Points ([longitude, latitude]) with the owner's properties."""
