"""Vehicle tracking event Lambdas: the sweep that judges vehicles sending nothing new."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.vehicles import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="vehicles_sweep")
def vehicles_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: end the trips the gates saw leave, raise overstay (> 6 h) and long stops outside a lot."""
    return service.sweep()
