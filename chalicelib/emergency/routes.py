"""Emergency routes: impact range of a toxic release (AEGL threat zones, 6.4.2-3)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http import Call, route
from chalicelib.core.identity import Role
from chalicelib.emergency import plume
from chalicelib.emergency.schemas import ImpactIn, ImpactOut, Zone

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
    body: ImpactIn = call.body
    est = plume.estimate(
        body.chemical,
        release_rate_kg_s=body.release_rate_kg_s,
        wind_speed_m_s=body.wind_speed_m_s,
        wind_from_deg=body.wind_from_deg,
        stability_class=body.stability_class,
        terrain=body.terrain,
        source_lat=body.source.lat,
        source_lon=body.source.lon,
    )
    zones = [
        Zone(
            level=z.level,
            threshold_ppm=z.threshold_ppm,
            downwind_m=round(z.downwind_m, 1),
            max_halfwidth_m=round(z.max_halfwidth_m, 1),
            polygon=z.geometry(),
        )
        for z in est.zones
    ]
    return ImpactOut(zones=zones, isolation_radius_m=est.isolation_radius_m, assumptions=list(est.assumptions))
