"""Ports of the live channel: what it reads of contexts above it, filled by chalicelib.bootstrap.

`risk_view`: an installation's risk as `GET /risk/installations/{id}` shows it (risk.service.installation_view),
read after the risk context has recomputed the colours an alarm dispatch concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class RiskView(Protocol):
    def __call__(self, installation_id: str, /) -> dict[str, Any]:
        """level, since (epoch ms of the last colour change), enterprise_id, name... of one installation."""


@dataclass
class Ports:
    risk_view: RiskView | None = None


PORTS = Ports()


def wire(*, risk_view: RiskView) -> None:
    PORTS.risk_view = risk_view
