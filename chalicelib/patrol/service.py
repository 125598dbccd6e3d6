"""Patrol and smart-inspection use cases (5.3.2), the only module other contexts import: routes and plans
(`planning`), the tasks on the mobile app and their check-ins (`tasks`, failed items followed by `findings`),
the sweep that dispatches and closes tasks (`sweep`), anomalies (`anomalies`) and statistics (`stats`)."""

from chalicelib.patrol.anomalies import anomalies_page, report
from chalicelib.patrol.planning import create_plan, create_route, load_route, plans_page, routes_page, set_plan_state
from chalicelib.patrol.stats import stats
from chalicelib.patrol.sweep import sweep
from chalicelib.patrol.tasks import checkin, detail, presign_photo, tasks_page

__all__ = [
    "anomalies_page",
    "checkin",
    "create_plan",
    "create_route",
    "detail",
    "load_route",
    "plans_page",
    "presign_photo",
    "report",
    "routes_page",
    "set_plan_state",
    "stats",
    "sweep",
    "tasks_page",
]
