"""Ports of the linkage context: the nearest emergency resources shown with an incident's screen highlight.

Filled by chalicelib.bootstrap with the resources context's query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class NearestResources(Protocol):
    def __call__(self, lat: float, lon: float, n: int, /) -> list[dict[str, Any]]:
        """The n resources nearest a point, nearest first, each with `location` and `distance_m`."""


@dataclass
class Ports:
    nearest_resources: NearestResources | None = None


PORTS = Ports()


def wire(*, nearest_resources: NearestResources) -> None:
    PORTS.nearest_resources = nearest_resources


def nearest_resources() -> NearestResources:
    if PORTS.nearest_resources is None:
        raise RuntimeError("linkage.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.nearest_resources
