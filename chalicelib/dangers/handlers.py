"""Hidden-danger event Lambdas: the sweep that flags overdue dangers (督办) and escalates unanswered orders."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.dangers import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="danger_sweep")
def danger_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: overdue dangers get their 督办 order; orders unanswered in time go up to the park."""
    return service.sweep()
