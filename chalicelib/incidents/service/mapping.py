"""An incident's impact zones as a map layer (一张图): what the workflow's impact step stored (AEGL footprints
from the plume model) and the initial isolation circle around the source, most severe last so it draws on top."""

from __future__ import annotations

from typing import Any

from chalicelib.core import geojson
from chalicelib.core.identity import Identity
from chalicelib.incidents.domain import ZONE_LABEL, ZONE_OF_LEVEL
from chalicelib.incidents.service.records import load


def map_zones(incident_id: str, who: Identity) -> dict[str, Any]:
    """NOT_FOUND outside the caller's scope; an empty collection until the impact step has run."""
    incident = load(incident_id, who).data()
    impact, place = incident.get("impact") or {}, incident.get("place") or {}
    features = []
    radius = impact.get("isolation_radius_m")
    if radius and place.get("lat") is not None:
        features.append(
            geojson.feature(
                f"{incident_id}-isolation",
                geojson.circle(place["lat"], place["lon"], float(radius)),
                "incident_zone",
                ZONE_LABEL["isolation"],
                zone="isolation",
                incident_id=incident_id,
                radius_m=float(radius),
            )
        )
    for z in reversed(impact.get("zones") or []):  # AEGL-1 first: the most severe is drawn last, on top
        if not z.get("polygon"):
            continue
        zone = ZONE_OF_LEVEL.get(z["level"], z["level"])
        features.append(
            geojson.feature(
                f"{incident_id}-{zone}",
                {"type": "Polygon", "coordinates": [geojson.closed(z["polygon"])]},
                "incident_zone",
                ZONE_LABEL.get(zone, z["level"]),
                zone=zone,
                level=z["level"],
                threshold_ppm=z.get("threshold_ppm"),
                downwind_m=z.get("downwind_m"),
                incident_id=incident_id,
            )
        )
    return geojson.collection(features)
