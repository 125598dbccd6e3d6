"""Ports of the live channel: what it reads of contexts above it, filled by chalicelib.bootstrap.

`risk_view`: an installation's risk as `GET /risk/installations/{id}` shows it, if its colour changed since a time
(risk.service.changed_installation_view), read after the risk context has recomputed the colours an alarm
dispatch concerns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class InstallationRisk(Protocol):
    """What the channel reads of an installation's risk (risk.service.InstallationRisk) before pushing it."""

    @property
    def scope(self) -> str: ...
    @property
    def enterprise_id(self) -> str: ...
    @property
    def since(self) -> int | None: ...  # epoch ms of the last colour change; None until risk stored one
    def public(self) -> dict[str, Any]: ...  # the message's data: the document the risk API shows


class RiskView(Protocol):
    def __call__(self, installation_id: str, /, *, since: int) -> InstallationRisk | None:
        """One installation's colour, reasons and open alarms; None unless its colour changed at or after `since`
        (epoch ms)."""


@dataclass
class Ports:
    risk_view: RiskView | None = None


PORTS = Ports()


def wire(*, risk_view: RiskView) -> None:
    PORTS.risk_view = risk_view
