"""Special work permit event Lambdas: the expiry sweep (a ticket never outlives its validity)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.workpermits import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="work_permit_sweep")
def work_permit_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: close live permits past their ends_at, cancel approved ones that never started."""
    return service.sweep_expired()
