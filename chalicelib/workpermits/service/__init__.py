"""Special work permit use cases, the only module other contexts import: the lifecycle (permits), gas analyses
(gas), gas alarms (alarms), expiry and the 2-hourly confined-space reminders (sweeps), and the reads, among
them `active_work` for the risk profile."""

from chalicelib.workpermits.service.alarms import on_alarm_events
from chalicelib.workpermits.service.gas import list_for as gas_analyses
from chalicelib.workpermits.service.gas import record as record_gas_analysis
from chalicelib.workpermits.service.permits import (
    approve,
    cancel,
    close,
    countersign,
    create,
    resume,
    start,
    suspend,
)
from chalicelib.workpermits.service.reads import (
    ActivePermit,
    ActiveWork,
    active_page,
    active_work,
    detail,
    list_page,
    live_features,
)
from chalicelib.workpermits.service.sweeps import remind_monitoring, sweep, sweep_expired

__all__ = [
    "ActivePermit",
    "ActiveWork",
    "active_page",
    "active_work",
    "approve",
    "cancel",
    "close",
    "countersign",
    "create",
    "detail",
    "gas_analyses",
    "list_page",
    "live_features",
    "on_alarm_events",
    "record_gas_analysis",
    "remind_monitoring",
    "resume",
    "start",
    "suspend",
    "sweep",
    "sweep_expired",
]
