"""Ports of the on-duty context: where rostered people were last seen (the people-positions feed of linkage,
later an access-control or UWB system). Filled by chalicelib.bootstrap: linkage sits above this context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

Seen = tuple[float, float, int]  # (lat, lon, epoch ms of the fix)


class LastSeen(Protocol):
    def __call__(self, enterprise_id: str, person_ids: list[str], /) -> dict[str, Seen]:
        """The latest known position of each of the enterprise's people that has one."""


@dataclass
class Ports:
    last_seen: LastSeen | None = None


PORTS = Ports()


def wire(*, last_seen: LastSeen) -> None:
    PORTS.last_seen = last_seen


def last_seen(enterprise_id: str, person_ids: list[str]) -> dict[str, Seen]:
    if PORTS.last_seen is None:
        raise RuntimeError("onduty.ports is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.last_seen(enterprise_id, person_ids) if person_ids else {}
