"""Patrol event Lambdas: the sweep that dispatches tasks and flags missed checkpoints."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.patrol import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="patrol_sweep")
def patrol_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: dispatch the tasks whose window starts within the hour, close those whose window ended."""
    return service.sweep()
