"""Ports of the closed-park context, filled by chalicelib.bootstrap with contexts in higher layers: the gate
command sender (a decision goes back to the gate's barrier as an IoT command: the linkage context's device
commands, which record, publish on `park/{enterprise_id}/commands/{device_id}`, await the acknowledgement and
time out) and the hazmat route check (the vehicle-tracking context's approved routes, for the gate decision's
OFF_ROUTE and an appointment's `route_id`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class GateCommands(Protocol):
    def __call__(
        self, ref: str, enterprise_id: str | None, device: dict[str, Any], name: str, params: dict[str, Any], /
    ) -> dict[str, Any]:
        """Record and publish command `name` to `device` (id, kind, name, location) once per `ref`."""


class RouteCheck(Protocol):
    def __call__(self, route_id: str, gate: Mapping[str, Any] | None, /) -> bool | None:
        """None when no such route exists; else whether `gate` (id, location) lies on the route (True for None)."""


@dataclass
class Ports:
    gate_commands: GateCommands | None = None
    routes: RouteCheck | None = None


PORTS = Ports()


def wire(*, gate_commands: GateCommands, routes: RouteCheck | None = None) -> None:
    PORTS.gate_commands = gate_commands
    PORTS.routes = routes


def gate_commands() -> GateCommands:
    if PORTS.gate_commands is None:
        raise RuntimeError("access.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.gate_commands


def routes() -> RouteCheck:
    if PORTS.routes is None:
        raise RuntimeError("access.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.routes
