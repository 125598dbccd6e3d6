"""The emergency-response workflow's task actions (stepfunctions/emergency_response.asl.json).

Call-out and acknowledgement checks (callout), situation and impact range (assessment), linkage and task
dispatch (deployment), the stand-down wait and the archive (closure); `run` routes a Task state's action.
"""

from __future__ import annotations

from typing import Any

from chalicelib.incidents.service.records import log
from chalicelib.incidents.tasks.assessment import (
    DEFAULT_WEATHER,
    HAZARD_RADIUS_M,
    SITUATION_RADIUS_M,
    impact,
    situation,
)
from chalicelib.incidents.tasks.callout import check_acks, notify
from chalicelib.incidents.tasks.closure import archive, await_stand_down
from chalicelib.incidents.tasks.deployment import PLAN, dispatch, linkage

__all__ = [
    "DEFAULT_WEATHER",
    "HAZARD_RADIUS_M",
    "PLAN",
    "SITUATION_RADIUS_M",
    "archive",
    "await_stand_down",
    "check_acks",
    "dispatch",
    "impact",
    "linkage",
    "notify",
    "run",
    "situation",
]


def run(event: dict[str, Any]) -> dict[str, Any]:
    action, incident_id = event["action"], event["id"]
    steps = {
        "notify": notify,
        "situation": situation,
        "impact": impact,
        "linkage": linkage,
        "dispatch": dispatch,
        "check_acks": check_acks,
        "archive": archive,
    }
    if action == "await":
        await_stand_down(incident_id, event["token"])
    elif action == "remind":
        log(incident_id, "notice", "system", "提醒：应急响应仍在进行，如已处置完毕请终止响应")
    elif action in steps:
        steps[action](incident_id)
    else:
        raise ValueError(f"unknown incident task action {action!r}")
    return {"ok": True}
