"""The kernel's audit port: the entry every audited action produces, and the sink that keeps it.

core.http (every audited route) and the workflows' archive steps call `record`; the audit context implements
the sink (its hash-chained append) and chalicelib.bootstrap plugs it in. Core knows no context: nothing here
imports one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditEntry:
    """What happened: who (actor, role, enterprise), did what (action) to what (target), with which result."""

    actor: str
    action: str
    result: str = "ok"
    target: str = ""
    role: str = ""
    enterprise_id: str = ""
    status: int = 0
    request_id: str = ""
    source_ip: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class AuditSink(Protocol):
    def __call__(self, entry: AuditEntry, /) -> Mapping[str, Any]:
        """Keep one entry (append-only) and return the stored record (its `seq`); raise when it was not kept."""


_sink: AuditSink | None = None


def use_sink(sink: AuditSink) -> None:
    """Plug in where entries go (chalicelib.bootstrap: the audit context's append)."""
    global _sink
    _sink = sink


def record(entry: AuditEntry) -> Mapping[str, Any]:
    """Keep an entry; an unwired sink is a programming error, never a silently lost record."""
    if _sink is None:
        raise RuntimeError("no audit sink: chalicelib.bootstrap.wire() must run first (app.py does)")
    return _sink(entry)
