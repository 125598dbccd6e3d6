"""Ports of the duty context: what a shift handover carries over from the warning and alarm contexts.

Filled by chalicelib.bootstrap, so duty (whom warnings and incidents escalate to) imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class OpenItems(Protocol):
    def __call__(self) -> list[str]:
        """Ids of the items still open now (not closed warnings; annunciated, unacknowledged alarms)."""


@dataclass
class Ports:
    open_warnings: OpenItems | None = None
    unacked_alarms: OpenItems | None = None


PORTS = Ports()


def wire(*, open_warnings: OpenItems, unacked_alarms: OpenItems) -> None:
    PORTS.open_warnings, PORTS.unacked_alarms = open_warnings, unacked_alarms


def carried_over() -> tuple[list[str], list[str]]:
    """(open warnings, unacknowledged alarms) a handover names."""
    if PORTS.open_warnings is None or PORTS.unacked_alarms is None:
        raise RuntimeError("duty.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.open_warnings(), PORTS.unacked_alarms()
