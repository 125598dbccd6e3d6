"""Warning use cases, the only module other contexts import: intake from alarms and manual reports (intake),
the record, its timeline and workflow (records), the human steps through the API (steps) and the read side
(queries)."""

from chalicelib.warnings.service.intake import from_alarm, report
from chalicelib.warnings.service.queries import detail, kpis, open_ids, public, search
from chalicelib.warnings.service.records import (
    MACHINE,
    CreatedWarning,
    VerifiedWarning,
    create,
    event,
    limits,
    load,
    update,
    verified,
)
from chalicelib.warnings.service.steps import approve, close, complete_step, feedback, verify

__all__ = [
    "MACHINE",
    "CreatedWarning",
    "VerifiedWarning",
    "approve",
    "close",
    "complete_step",
    "create",
    "detail",
    "event",
    "feedback",
    "from_alarm",
    "kpis",
    "limits",
    "load",
    "open_ids",
    "public",
    "report",
    "search",
    "update",
    "verified",
    "verify",
]
