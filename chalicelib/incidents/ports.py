"""Ports of the incidents context: the live readings of the situation picture (the telemetry context).

Filled by chalicelib.bootstrap.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class LastValues(Protocol):
    def __call__(self, tag_ids: Sequence[str], enterprise_ids: Collection[str], /) -> Mapping[str, Mapping[str, Any]]:
        """The latest reading of each tag that has one: {tag_id: {"ts", "value", "quality"}}."""


@dataclass
class Ports:
    last_values: LastValues | None = None


PORTS = Ports()


def wire(*, last_values: LastValues) -> None:
    PORTS.last_values = last_values


def last_values() -> LastValues:
    if PORTS.last_values is None:
        raise RuntimeError("incidents.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.last_values
