"""Emergency use cases: the impact range of a toxic release (6.4.2-3) for the API, and the plume rules other
contexts use (the incident's impact step, linkage's evacuation zone) through this module."""

from __future__ import annotations

from chalicelib.emergency.plume import ImpactEstimate, ImpactZone, estimate
from chalicelib.emergency.schemas import ImpactIn, ImpactOut, Zone

__all__ = ["ImpactEstimate", "ImpactZone", "estimate", "impact"]


def impact(body: ImpactIn) -> ImpactOut:
    """AEGL-3/2/1 zones (GeoJSON polygons) and the initial isolation radius for one release and weather."""
    est = estimate(
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
