"""Ports of the incidents context: the live readings of the situation picture (the telemetry context), and who
hears of each stored change of an incident or its command log (the live channel, for the commander's console).

Filled by chalicelib.bootstrap.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.core.observability import logger


class LastValues(Protocol):
    def __call__(self, tag_ids: Sequence[str], enterprise_ids: Collection[str], /) -> Mapping[str, Mapping[str, Any]]:
        """The latest reading of each tag that has one: {tag_id: {"ts", "value", "quality"}}."""


class Listener(Protocol):
    def __call__(self, incident: Mapping[str, Any], /) -> None:
        """Told after the write: `id`, `enterprise_id`, `status`, and `log` (kind, text) for a command log entry."""


@dataclass
class Ports:
    last_values: LastValues | None = None
    listeners: Sequence[Listener] = ()


PORTS = Ports()


def wire(*, last_values: LastValues, listeners: Sequence[Listener] = ()) -> None:
    PORTS.last_values, PORTS.listeners = last_values, list(listeners)


def changed(incident: Mapping[str, Any]) -> None:
    """Tell every listener; a listener's failure is logged, never raised: the change itself is stored."""
    for listener in PORTS.listeners:
        try:
            listener(incident)
        except Exception:
            logger.exception("incident listener failed", extra={"incident_id": incident.get("id")})


def last_values() -> LastValues:
    if PORTS.last_values is None:
        raise RuntimeError("incidents.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.last_values
