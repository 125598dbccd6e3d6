"""The kernel's audit port: the entry every audited action produces, and the sink that keeps it.

core.http (every audited route) and the workflows' archive steps call `record`; the audit context implements
the sink (a durable put of the entry, chained later by its sequencer) and chalicelib.bootstrap plugs it in.
Core knows no context: nothing here imports one. An entry that cannot be kept fails the caller with
AUDIT_UNAVAILABLE (503): an audited action is never reported as done without its record (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.core import errors
from chalicelib.core.observability import logger, metrics

AUDIT_UNAVAILABLE = errors.define(
    "AUDIT_UNAVAILABLE",
    503,
    "审计日志暂不可用，操作未确认完成，请稍后重试",
    "The audit record could not be stored durably, so the request is not reported as done "
    "(details.outcome: not_started = nothing was changed; unknown = the change may have been applied).",
)
FAILURE_METRIC = "AuditAppendFailed"  # infra/alarms.py alarms on it (docs/runbook.md)


@dataclass(frozen=True)
class AuditEntry:
    """What happened: who (actor, role, enterprise), did what (action) to what (target), with which result.

    `id` names the stored entry: empty for a new one; an entry stored again under the same id replaces it
    (the HTTP layer stores a write's intent first, then its result under the same id)."""

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
    id: str = ""


class AuditSink(Protocol):
    def __call__(self, entry: AuditEntry, /) -> Mapping[str, Any]:
        """Keep one entry durably and return the stored record (its `id`); raise when it was not kept."""


_sink: AuditSink | None = None


def use_sink(sink: AuditSink) -> None:
    """Plug in where entries go (chalicelib.bootstrap: the audit context's append)."""
    global _sink
    _sink = sink


def record(entry: AuditEntry, outcome: str = "unknown") -> Mapping[str, Any]:
    """Keep an entry or raise AUDIT_UNAVAILABLE (counted in FAILURE_METRIC); `outcome` tells the caller's
    client whether its action took effect (`not_started` when the entry was an intent stored before it)."""
    if _sink is None:
        raise RuntimeError("no audit sink: chalicelib.bootstrap.wire() must run first (app.py does)")
    try:
        return _sink(entry)
    except Exception as exc:
        logger.exception("audit append failed", extra={"action": entry.action, "request_id": entry.request_id})
        metrics.add_metric(name=FAILURE_METRIC, unit="Count", value=1)
        raise AUDIT_UNAVAILABLE(details={"outcome": outcome, "request_id": entry.request_id}) from exc
