"""Change management Lambdas: the task function of the change-approval workflow."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

bp = Blueprint(__name__)


@bp.lambda_function(name="change_task")
def change_task(event: dict[str, Any], context: Any) -> None:
    """Every Task state of stepfunctions/change_approval.asl.json (`{"action", "id", ...}`)."""
    from chalicelib.changes import tasks

    tasks.run(event)
