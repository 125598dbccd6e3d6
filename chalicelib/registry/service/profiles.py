"""Sensor evaluation profiles: what the telemetry evaluator and the alarm sweeps read of a sensor, its
installation and its enterprise (three BatchGets for any number of tags; telemetry caches the result)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.registry import store
from chalicelib.registry.service.views import Point


@dataclass(frozen=True)
class Setpoints:
    """Alarm limits (LL < L < H < HH), each optional."""

    hh: float | None
    h: float | None
    l: float | None  # noqa: E741 (ISA-18.2's name for the low limit)
    ll: float | None


@dataclass(frozen=True)
class SensorProfile:
    """A sensor as evaluation needs it (telemetry's tag configuration and alarm context; the alarm sweep's
    holds; the alarms map layer's place), with its installation's name and status and its enterprise's name."""

    id: str
    name: str
    unit: str
    enterprise_id: str
    installation_id: str | None
    zone_id: str | None
    location: Point | None
    limits: Setpoints
    deadband: float
    on_delay_s: int
    off_delay_s: int
    roc_limit_per_min: float | None
    trend: bool
    trend_horizon_s: int
    priority: str
    latching: bool
    status: str  # in_service, out_of_service
    installation_name: str
    installation_status: str  # operating, maintenance, decommissioned
    enterprise_name: str


def _profile(doc: Mapping[str, Any], inst: Mapping[str, Any], ent: Mapping[str, Any]) -> SensorProfile:
    lim = doc.get("limits") or {}
    where = doc.get("location")
    return SensorProfile(
        id=doc["id"],
        name=doc.get("name", ""),
        unit=doc.get("unit", ""),
        enterprise_id=doc["enterprise_id"],
        installation_id=doc.get("installation_id"),
        zone_id=doc.get("zone_id"),
        location=Point.of(where) if where else None,
        limits=Setpoints(lim.get("hh"), lim.get("h"), lim.get("l"), lim.get("ll")),
        deadband=float(doc.get("deadband") or 0),
        on_delay_s=int(doc.get("on_delay_s") or 0),
        off_delay_s=int(doc.get("off_delay_s") or 0),
        roc_limit_per_min=doc.get("roc_limit_per_min"),
        trend=bool(doc.get("trend", True)),
        trend_horizon_s=int(doc.get("trend_horizon_s") or 900),
        priority=doc.get("priority", "medium"),
        latching=bool(doc.get("latching")),
        status=doc.get("status", "in_service"),
        installation_name=inst.get("name", ""),
        installation_status=inst.get("status", "operating"),
        enterprise_name=ent.get("name", ""),
    )


def sensor_profiles(tag_ids: list[str]) -> dict[str, SensorProfile]:
    """The registered sensors among `tag_ids` (unknown tags are absent), each with its installation and
    enterprise (three BatchGets)."""
    sensors = {s.id: s.data() for s in store.SensorModel.batch_get(tag_ids)} if tag_ids else {}
    inst_ids = {s["installation_id"] for s in sensors.values() if s.get("installation_id")}
    installations = {i.id: i.data() for i in store.InstallationModel.batch_get(list(inst_ids))} if inst_ids else {}
    ent_ids = {s["enterprise_id"] for s in sensors.values()}
    enterprises = {e.id: e.data() for e in store.EnterpriseModel.batch_get(list(ent_ids))} if ent_ids else {}
    return {
        tag_id: _profile(
            s, installations.get(s.get("installation_id") or "", {}), enterprises.get(s["enterprise_id"], {})
        )
        for tag_id, s in sensors.items()
    }
