"""Map use cases: the layer list, one layer for the caller, an incident's impact zones."""

from __future__ import annotations

from typing import Any

from chalicelib.core import errors
from chalicelib.core.identity import Identity
from chalicelib.onemap import domain, ports

SUFFIX = ".geojson"


def layers() -> list[dict[str, str]]:
    return [{"id": layer.id, "title": layer.title, "url": layer.url} for layer in domain.LAYERS]


def layer(layer_id: str, who: Identity) -> dict[str, Any]:
    return ports.layer(layer_id)(who)


def layer_file(name: str, who: Identity) -> dict[str, Any]:
    """`<layer>.geojson` of a composed layer; NOT_FOUND for any other name."""
    layer_id = name.removesuffix(SUFFIX)
    if not name.endswith(SUFFIX) or layer_id not in domain.COMPOSED:
        raise errors.NOT_FOUND(details={"layer": name})
    return layer(layer_id, who)


def incident_zones(incident_id: str, who: Identity) -> dict[str, Any]:
    return ports.zones()(incident_id, who)
