"""Emergency resource event Lambdas: the daily supply reminder sweep (临期、损耗提醒)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.resources import service

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.DAYS), name="resource_sweep")
def resource_sweep(event: Any) -> dict[str, int]:
    """Every day: remind supplies near expiry or past their wear threshold, once per resource and reason."""
    return service.sweep_reminders()
