"""Special work permit event Lambdas: the sweep (expiry; confined-space monitoring every 2 h)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.workpermits import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="work_permit_sweep")
def work_permit_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: close live permits past their ends_at, cancel the ones that never started, and remind
    the guardians of confined-space work whose last gas analysis is more than 2 h old."""
    return service.sweep()
