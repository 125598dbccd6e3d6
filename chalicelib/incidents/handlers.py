"""Incident Lambdas: the emergency-response workflow's task function."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

bp = Blueprint(__name__)


@bp.lambda_function(name="incident_task")
def incident_task(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every Task state of stepfunctions/emergency_response.asl.json."""
    from chalicelib.incidents import tasks

    return tasks.run(event)
