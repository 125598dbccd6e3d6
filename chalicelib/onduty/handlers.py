"""On-duty event Lambdas: the vacancy sweep (key posts vacant during their shift raise an alarm)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.onduty import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="onduty_sweep")
def onduty_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: raise an alarm for each key post vacant past the grace period, clear it once filled."""
    return service.sweep()
