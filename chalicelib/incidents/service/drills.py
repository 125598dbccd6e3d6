"""Drills (应急演练, 5.2.4): a scenario at an installation or enterprise, reported and activated at once in
exercise mode (every message marked 【演练】 and only recorded), with injected device faults or unreachable people."""

from __future__ import annotations

from typing import Any

from chalicelib.core import errors
from chalicelib.core.identity import Identity
from chalicelib.incidents import domain
from chalicelib.incidents.schemas import MAX_LAT, DrillIn, IntakeIn, Place
from chalicelib.incidents.service.lifecycle import activate, intake
from chalicelib.registry import service as registry


def start_drill(body: DrillIn, who: Identity) -> dict[str, Any]:
    """Report the drill's incident where the scenario happens, then activate its response; returns the incident."""
    site: registry.InstallationView | registry.EnterpriseView
    if body.installation_id:
        site = registry.installation(body.installation_id, who)
    else:
        site = registry.enterprise(body.enterprise_id, who)
    if abs(site.location.lat) > MAX_LAT:  # the registry takes any WGS-84 latitude
        field = "installation_id" if body.installation_id else "enterprise_id"
        raise errors.invalid_field(field, f"演练地点纬度超出影响范围估算支持的范围（±{MAX_LAT:g}°）", "range")
    place = Place(lat=site.location.lat, lon=site.location.lon, text=site.name)
    report = IntakeIn(
        type=domain.Type(body.scenario),
        level=body.level,
        title=f"{domain.TYPE_LABEL[body.scenario]}演练",
        phenomenon="演练场景",
        place=place,
        enterprise_id=body.enterprise_id,
        installation_id=body.installation_id,
        reporter=who.name,
        chemical=body.chemical,
        release_rate_kg_s=body.release_rate_kg_s,
    )
    incident = intake(report, who, drill=True, faults=body.faults)
    return activate(incident["id"], who)
