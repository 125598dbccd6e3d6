"""Emergency routes: impact range of a toxic release (AEGL threat zones, 6.4.2-3)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http import Call, route
from chalicelib.core.identity import Role
from chalicelib.emergency import service
from chalicelib.emergency.schemas import ImpactIn, ImpactOut

bp = Blueprint(__name__)


@route(
    bp,
    "/emergency/impact-estimate",
    "POST",
    roles=[Role.COMMANDER, Role.DUTY_OFFICER, Role.PARK_ADMIN, Role.ANALYST],
    body=ImpactIn,
    response=ImpactOut,
)
def impact_estimate(call: Call) -> ImpactOut:
    """估算有毒气体泄漏影响范围：高斯烟羽 + AEGL 60 分钟阈值，返回各级区域（GeoJSON）与初始隔离半径。"""
    return service.impact(call.body)
