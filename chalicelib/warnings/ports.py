"""Ports of the warning context: who hears of each stored change of a warning (the live channel, so a duty
officer's console shows a new warning or a verification step within a second). Filled by chalicelib.bootstrap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.core.observability import logger


class Listener(Protocol):
    def __call__(self, warning: Mapping[str, Any], /) -> None:
        """Told after the write: `id`, `enterprise_id`, `status`, `awaiting`, `priority`, `title`."""


@dataclass
class Ports:
    listeners: Sequence[Listener] = ()


PORTS = Ports()


def wire(*, listeners: Sequence[Listener]) -> None:
    PORTS.listeners = list(listeners)


def changed(warning: Mapping[str, Any]) -> None:
    """Tell every listener; a listener's failure is logged, never raised: the change itself is stored."""
    for listener in PORTS.listeners:
        try:
            listener(warning)
        except Exception:
            logger.exception("warning listener failed", extra={"warning_id": warning.get("id")})
