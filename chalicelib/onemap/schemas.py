"""Map contracts: the layer list (plain pydantic) and the typed GeoJSON responses (geojson-pydantic, imported
only when the OpenAPI document is built: `models`, named here through core.lazy.NamedRef)."""

from __future__ import annotations

from pydantic import Field

from chalicelib.core.lazy import NamedRef
from chalicelib.core.schemas import Schema


class LayerOut(Schema):
    id: str = Field(description="图层标识，如 installations")
    title: str = Field(description="图层名称（中文）")
    url: str = Field(description="图层地址（GeoJSON，application/geo+json）")


class LayersOut(Schema):
    layers: list[LayerOut]


def typed(name: str) -> NamedRef:
    """The geojson-pydantic FeatureCollection of a layer, for OpenAPI (chalicelib/onemap/models.py)."""
    return NamedRef("chalicelib.onemap.models", name)
