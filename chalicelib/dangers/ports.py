"""Ports of the hidden-danger context, filled by chalicelib.bootstrap: the regulator exchange that major
dangers are queued for (an exchange context may replace the recording adapter later), and who hears that an
enterprise's dangers or 督办 orders changed (the risk context raises the enterprise's colour)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class RegulatorExchange(Protocol):
    def __call__(self, dataset: str, ref: str, enterprise_id: str, record: Mapping[str, Any], /) -> str:
        """Queue one record of a dual-prevention dataset (e.g. `sec_hidden_danger_info`); returns its message id.
        Raises when the message was not kept (the caller's write then fails and is retried)."""


class EnterpriseChanged(Protocol):
    def __call__(self, enterprise_id: str, /) -> None:
        """Told after an enterprise's dangers or orders changed in a way its risk may follow; must not raise."""


@dataclass
class Ports:
    exchange: RegulatorExchange | None = None
    subscribers: tuple[EnterpriseChanged, ...] = ()


PORTS = Ports()


def wire(*, exchange: RegulatorExchange, subscribers: Sequence[EnterpriseChanged]) -> None:
    PORTS.exchange, PORTS.subscribers = exchange, tuple(subscribers)


def exchange() -> RegulatorExchange:
    if PORTS.exchange is None:
        raise RuntimeError("dangers.ports.exchange is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.exchange
