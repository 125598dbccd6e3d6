"""Dual-prevention event Lambdas: the check sweep (opens occurrences when due, flags missed checks)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.prevention import service

bp = Blueprint(__name__)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="check_sweep")
def check_sweep(event: Any) -> dict[str, int]:
    """Every 5 minutes: open the check occurrences now due, flag those whose window ended unrecorded."""
    return service.sweep()
