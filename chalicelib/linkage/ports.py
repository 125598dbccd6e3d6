"""Ports of the linkage context: the nearest emergency resources shown with an incident's screen highlight (the
resources context's query) and where people are (the reported positions, or an access-control/UWB system).

Filled by chalicelib.bootstrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Center = Sequence[float] | dict[str, float]  # (lat, lon) or {"lat", "lon"}


class NearbyResource(Protocol):
    """A resource as the resources context shows it (resources.service.ResourceView): the screen shows it whole."""

    def public(self) -> dict[str, Any]:
        """The resource's JSON, with `location` ({"lat", "lon"}) and `distance_m`."""
        ...


class NearestResources(Protocol):
    def __call__(self, lat: float, lon: float, n: int, /) -> Sequence[NearbyResource]:
        """The n resources nearest a point, nearest first, each with its `distance_m`."""


class LocatedPerson(Protocol):
    """Someone a locator places inside the evacuation area: who, how to reach them, where, and why ("zone",
    "isolation"). Each locator returns its own frozen view; evacuation reads only these."""

    @property
    def person_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def enterprise_id(self) -> str | None: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


class Locator(Protocol):
    def people_in(
        self, zone_ring: list[list[float]], isolation_center: Center | None, isolation_radius_m: float
    ) -> Sequence[LocatedPerson]:
        """People whose position is inside the ring or within the radius of the centre, by person id."""


@dataclass
class Ports:
    nearest_resources: NearestResources | None = None
    locator: Locator | None = None


PORTS = Ports()


def wire(*, nearest_resources: NearestResources, locator: Locator) -> None:
    PORTS.nearest_resources, PORTS.locator = nearest_resources, locator


def locator() -> Locator:
    if PORTS.locator is None:
        raise RuntimeError("linkage.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.locator


def nearest_resources() -> NearestResources:
    if PORTS.nearest_resources is None:
        raise RuntimeError("linkage.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.nearest_resources
