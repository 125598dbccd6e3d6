"""Ports of the live channel: what it reads of contexts above it, filled by chalicelib.bootstrap.

`risk_view`: an installation's risk as `GET /risk/installations/{id}` shows it, if its colour changed since a time
(risk.service.changed_installation_view), read after the risk context has recomputed the colours an alarm
dispatch concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class RiskView(Protocol):
    def __call__(self, installation_id: str, /, *, since: int) -> dict[str, Any] | None:
        """level, since (epoch ms of the last colour change), enterprise_id, name... of one installation; None
        unless its colour changed at or after `since` (epoch ms)."""


@dataclass
class Ports:
    risk_view: RiskView | None = None


PORTS = Ports()


def wire(*, risk_view: RiskView) -> None:
    PORTS.risk_view = risk_view
