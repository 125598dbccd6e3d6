"""Patrol HTTP contracts: routes, plans, tasks and check-ins (`plans`); anomalies and statistics (`inspection`)."""

from chalicelib.patrol.schemas.inspection import AnomalyFilter, AnomalyIn, AnomalyOut, Figures, StatsOut, StatsQuery
from chalicelib.patrol.schemas.plans import (
    CheckinIn,
    PhotoIn,
    PlanFilter,
    PlanIn,
    PlanOut,
    PlanStateIn,
    RouteFilter,
    RouteIn,
    RouteOut,
    TaskDetail,
    TaskFilter,
    TaskOut,
)

__all__ = [
    "AnomalyFilter",
    "AnomalyIn",
    "AnomalyOut",
    "CheckinIn",
    "Figures",
    "PhotoIn",
    "PlanFilter",
    "PlanIn",
    "PlanOut",
    "PlanStateIn",
    "RouteFilter",
    "RouteIn",
    "RouteOut",
    "StatsOut",
    "StatsQuery",
    "TaskDetail",
    "TaskFilter",
    "TaskOut",
]
