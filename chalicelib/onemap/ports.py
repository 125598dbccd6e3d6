"""Ports of the map context: each layer's features come from the context that owns the data.

Filled by chalicelib.bootstrap (`layers`: layer id -> that context's `map_features`; `incident_zones`:
`incidents.service.map_zones`), so this context imports none of them and sits just above the kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.core.identity import Identity


class LayerSource(Protocol):
    def __call__(self, who: Identity) -> dict[str, Any]:
        """The layer as an RFC 7946 FeatureCollection, limited to what `who` may see."""


class IncidentZones(Protocol):
    def __call__(self, incident_id: str, who: Identity) -> dict[str, Any]:
        """An incident's impact zones as a FeatureCollection (NOT_FOUND outside the caller's scope)."""


@dataclass
class Ports:
    layers: dict[str, LayerSource] = field(default_factory=dict)
    incident_zones: IncidentZones | None = None


PORTS = Ports()


def wire(*, layers: Mapping[str, LayerSource], incident_zones: IncidentZones) -> None:
    PORTS.layers, PORTS.incident_zones = dict(layers), incident_zones


def layer(layer_id: str) -> LayerSource:
    source = PORTS.layers.get(layer_id)
    if source is None:
        raise RuntimeError(f"onemap.ports has no layer {layer_id!r}: chalicelib.bootstrap.wire() must fill it")
    return source


def zones() -> IncidentZones:
    if PORTS.incident_zones is None:
        raise RuntimeError("onemap.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.incident_zones
