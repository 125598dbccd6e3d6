"""Special work permit rules (特殊作业, GB 30871-2022; clause 5.1.2-1): pure, no I/O. The standard's tables are
data in `rules`, gas analysis criteria in `gas`, a permit's classification and lifecycle in `permit`, and
where permits meet each other and the gas alarms in `places`."""

from chalicelib.workpermits.domain import gas, places, rules
from chalicelib.workpermits.domain.gas import GAS_ANALYSIS_REQUIRED, Verdict
from chalicelib.workpermits.domain.permit import (
    GAS_SENSOR_KINDS,
    HELD,
    LIVE,
    MONITOR_SENSOR_REQUIRED,
    OPEN,
    PERMIT_OUTSIDE_WINDOW,
    PERMIT_STATE,
    STATE_LABEL,
    Classified,
    check_application,
    check_transition,
    check_validity,
    check_window,
    classify,
    level_of,
)
from chalicelib.workpermits.domain.places import (
    BLIND_PLATE_PIPE_BUSY,
    HOT_WORK_NEAR_BLIND_PLATE,
    affected_by_alarm,
    check_conflicts,
    feature_collection,
)
from chalicelib.workpermits.domain.rules import (
    COUNTERSIGN_EXISTS,
    COUNTERSIGN_MISSING,
    PERMIT_LEVEL_MISMATCH,
    PERMIT_VALIDITY_EXCEEDED,
    approver_roles,
    check_countersign,
    missing_countersigns,
)

__all__ = [
    "BLIND_PLATE_PIPE_BUSY",
    "COUNTERSIGN_EXISTS",
    "COUNTERSIGN_MISSING",
    "GAS_ANALYSIS_REQUIRED",
    "GAS_SENSOR_KINDS",
    "HELD",
    "HOT_WORK_NEAR_BLIND_PLATE",
    "LIVE",
    "MONITOR_SENSOR_REQUIRED",
    "OPEN",
    "PERMIT_LEVEL_MISMATCH",
    "PERMIT_OUTSIDE_WINDOW",
    "PERMIT_STATE",
    "PERMIT_VALIDITY_EXCEEDED",
    "STATE_LABEL",
    "Classified",
    "Verdict",
    "affected_by_alarm",
    "approver_roles",
    "check_application",
    "check_conflicts",
    "check_countersign",
    "check_transition",
    "check_validity",
    "check_window",
    "classify",
    "feature_collection",
    "gas",
    "level_of",
    "missing_countersigns",
    "places",
    "rules",
]
