"""Alarm event Lambdas: the minute sweep (shelve expiry, escalation, re-notification, outbox, digests)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.alarms import service

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name="alarm_sweep")
def alarm_sweep(event: Any) -> dict[str, int]:
    """Every minute: time-driven ISA-18.2 transitions and delivery retries."""
    return service.sweep()
