"""Risk event Lambdas: the hourly profile sweep (colours refreshed, one snapshot per park-local day, failed
notice texts sent again) and the monthly profile reports (written once, for the month just ended)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.risk import service

bp = Blueprint(__name__)


@bp.schedule(Rate(1, unit=Rate.HOURS), name="risk_snapshots")
def risk_snapshots(event: Any) -> dict[str, int]:
    """Every hour: each enterprise's colour follows its profile (permits, checks and posts do not call risk);
    the first run of each park-local day keeps that day's snapshot."""
    return {**service.take_snapshots(), "texts": service.resend()}


@bp.schedule(Rate(6, unit=Rate.HOURS), name="risk_reports")
def risk_reports(event: Any) -> dict[str, int]:
    """Every 6 hours: last month's profile report for each enterprise that has none yet (the first run after
    the month ends writes them, later runs find them)."""
    return service.generate_reports()
