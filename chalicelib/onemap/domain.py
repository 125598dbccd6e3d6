"""Map layers (一张图) as the console learns them from `GET /map/layers`: id, zh-CN title, URL (contract C).

Each layer's features belong to the context that owns the data (its `map_features`); this catalogue only names
them. `work-permits` is served by the workpermits context itself, `vehicles` by the vehicles context where it
is deployed; both are listed so the console draws every layer from one list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Layer:
    id: str
    title: str
    composed: bool = True  # served here through a port; False: another context's own route

    @property
    def url(self) -> str:
        return f"/map/{self.id}.geojson"


LAYERS: tuple[Layer, ...] = (
    Layer("boundary", "园区边界"),
    Layer("zones", "功能分区"),
    Layer("installations", "重大危险源（风险等级）"),
    Layer("sensors", "监测点位"),
    Layer("cameras", "视频监控"),
    Layer("resources", "应急资源"),
    Layer("alarms", "实时报警"),
    Layer("work-permits", "特殊作业", composed=False),
    Layer("vehicles", "危化品车辆", composed=False),
)
COMPOSED: tuple[str, ...] = tuple(layer.id for layer in LAYERS if layer.composed)


def incident_zones_url(incident_id: str) -> str:
    return f"/map/incidents/{incident_id}/zones.geojson"
