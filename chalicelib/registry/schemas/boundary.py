"""The park boundary (园区边界): a GeoJSON Polygon or MultiPolygon in RFC 7946 order, set by the park admin."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.schemas import Schema, Strict

Position = tuple[float, float]  # [longitude, latitude]
Ring = list[Position]
MAX_POSITIONS = 5000  # a park outline, not a survey: keeps the park record far below DynamoDB's 400 KB


def _check_ring(ring: Ring, where: str) -> None:
    if len(ring) < 4:
        raise ValueError(f"{where}：环至少需要 4 个坐标点（首尾相同）")
    if list(ring[0]) != list(ring[-1]):
        raise ValueError(f"{where}：环未闭合，最后一个坐标点必须与第一个相同")
    for lon, lat in ring:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"{where}：坐标须为 [经度, 纬度]，经度 -180..180，纬度 -90..90")


class BoundaryIn(Strict):
    """A Polygon or MultiPolygon; positions are [lon, lat]; every ring closed."""

    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Ring] | list[list[Ring]] = Field(description="RFC 7946 坐标，[经度, 纬度]，环首尾相同")
    name: str = Field(default="", max_length=80, description="边界名称（为空时用园区名称）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[120.895, 31.945], [120.915, 31.945], [120.915, 31.958], [120.895, 31.958], [120.895, 31.945]]
                    ],
                }
            ]
        }
    )

    @model_validator(mode="after")
    def _rings(self) -> BoundaryIn:
        polygons = [self.coordinates] if self.type == "Polygon" else self.coordinates
        count = 0
        for p, polygon in enumerate(polygons):
            if (
                not polygon
                or not isinstance(polygon[0], list)
                or not polygon[0]
                or not isinstance(polygon[0][0], tuple)
            ):
                raise ValueError("coordinates 的嵌套层级与 type 不符")
            for r, ring in enumerate(polygon):
                _check_ring(ring, f"多边形 {p} 的环 {r}" if self.type == "MultiPolygon" else f"环 {r}")
                count += len(ring)
        if count > MAX_POSITIONS:
            raise ValueError(f"坐标点过多（{count} > {MAX_POSITIONS}）")
        return self


class BoundaryOut(Schema):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Ring] | list[list[Ring]]
    name: str = ""
    updated_at: datetime
