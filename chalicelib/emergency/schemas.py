"""Emergency HTTP contracts: the impact-range estimate (6.4.2-3)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.core.schemas import Loose, Schema, Strict


class Source(Strict):
    lat: float = Field(ge=-85, le=85)
    lon: float = Field(ge=-180, le=180)


class ImpactIn(Strict):
    chemical: str = Field(min_length=1, max_length=40, description="物质名称、分子式或 CAS，如 氯 / Cl2 / 7782-50-5")
    release_rate_kg_s: float = Field(gt=0, le=10000, description="连续泄漏速率 (kg/s)")
    wind_speed_m_s: float = Field(gt=0, le=60, description="10 m 高度风速 (m/s)")
    wind_from_deg: float = Field(ge=0, lt=360, description="风向：风的来向，正北为 0，顺时针")
    stability_class: Literal["A", "B", "C", "D", "E", "F"]
    terrain: Literal["rural", "urban"] = "rural"
    source: Source

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "chemical": "氯",
                    "release_rate_kg_s": 1.0,
                    "wind_speed_m_s": 3.0,
                    "wind_from_deg": 90,
                    "stability_class": "D",
                    "terrain": "rural",
                    "source": {"lat": 31.9512, "lon": 120.9042},
                }
            ]
        }
    )


class Zone(Schema):
    level: str
    threshold_ppm: float
    downwind_m: float
    max_halfwidth_m: float
    polygon: Loose | None = Field(description="GeoJSON Polygon（按风向旋转）")


class ImpactOut(Schema):
    zones: list[Zone]
    isolation_radius_m: float
    assumptions: list[str]
