"""Ports of the closed-park context: the gate command sender (a decision goes back to the gate's barrier as an
IoT command). Filled by chalicelib.bootstrap with the linkage context's device commands, which sit in a higher
layer (record, publish on `park/{enterprise_id}/commands/{device_id}`, acknowledgement and time-out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class GateCommands(Protocol):
    def __call__(
        self, ref: str, enterprise_id: str | None, device: dict[str, Any], name: str, params: dict[str, Any], /
    ) -> dict[str, Any]:
        """Record and publish command `name` to `device` (id, kind, name, location) once per `ref`."""


@dataclass
class Ports:
    gate_commands: GateCommands | None = None


PORTS = Ports()


def wire(*, gate_commands: GateCommands) -> None:
    PORTS.gate_commands = gate_commands


def gate_commands() -> GateCommands:
    if PORTS.gate_commands is None:
        raise RuntimeError("access.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.gate_commands
