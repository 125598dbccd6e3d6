"""Registry routes: the same five scoped CRUD routes per entity, plus the park record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint
from pydantic import BaseModel

from chalicelib.core.http import Call, json_response, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.pagination import Page
from chalicelib.registry import schemas as s
from chalicelib.registry import service

bp = Blueprint(__name__)

ADMIN = [Role.PARK_ADMIN]
OWNERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER]
DEVICE_OWNERS = [Role.PARK_ADMIN, Role.ENTERPRISE_MANAGER, Role.OPS_ENGINEER]


def _named(fn: Callable[..., Any], name: str, doc: str) -> Callable[..., Any]:
    fn.__name__, fn.__qualname__, fn.__doc__ = name, name, doc
    return fn


def crud(
    path: str,
    param: str,
    name: str,
    body: type[BaseModel],
    out: type[BaseModel],
    query: type[s.EnterpriseFilter],
    writers: list[Role],
    label: str,
) -> None:
    """Register list, create, get, replace and delete for one entity kind (`service.KINDS[name]`, looked up
    per request so registering the routes does not load the registry service)."""
    item = f"{path}/{{{param}}}"
    plural = name + "s"

    def list_(call: Call) -> Page[Any]:
        items, cursor = service.search(service.KINDS[name], call.identity, call.query)
        return Page[out](items=[out.model_validate(i) for i in items], next_cursor=cursor)  # type: ignore[valid-type]

    def create(call: Call) -> Any:
        data = service.create(service.KINDS[name], call.body, call.identity)
        call.target = data["id"]
        return json_response(out.model_validate(data), 201, call.request_id)

    def get(call: Call, **params: str) -> Any:
        return out.model_validate(service.get(service.KINDS[name], params[param], call.identity))

    def replace(call: Call, **params: str) -> Any:
        call.target = params[param]
        return out.model_validate(service.replace(service.KINDS[name], params[param], call.body, call.identity))

    def delete(call: Call, **params: str) -> Any:
        call.target = params[param]
        service.remove(service.KINDS[name], params[param], call.identity)
        return json_response(None, 204, call.request_id)

    route(bp, path, roles=ALL_ROLES, query=query, response=Page[out])(  # type: ignore[valid-type]
        _named(list_, f"list_{plural}", f"{label}列表（企业用户仅见本企业）")
    )
    route(bp, path, "POST", roles=writers, body=body, response=out, status=201)(
        _named(create, f"create_{name}", f"新建{label}")
    )
    route(bp, item, roles=ALL_ROLES, response=out)(_named(get, f"get_{name}", f"查看{label}"))
    route(bp, item, "PUT", roles=writers, body=body, response=out)(
        _named(replace, f"replace_{name}", f"修改{label}（整体替换，enterprise_id 不可变）")
    )
    route(bp, item, "DELETE", roles=writers, status=204)(_named(delete, f"delete_{name}", f"删除{label}"))


crud(
    "/enterprises",
    "enterprise_id",
    "enterprise",
    s.EnterpriseIn,
    s.EnterpriseOut,
    s.EnterpriseFilter,
    ADMIN,
    "企业",
)
crud("/zones", "zone_id", "zone", s.ZoneIn, s.ZoneOut, s.EnterpriseFilter, OWNERS, "区域")
crud(
    "/installations",
    "installation_id",
    "installation",
    s.InstallationIn,
    s.InstallationOut,
    s.InstallationFilter,
    OWNERS,
    "重大危险源单元",
)
crud("/sensors", "sensor_id", "sensor", s.SensorIn, s.SensorOut, s.SensorFilter, DEVICE_OWNERS, "测点")
crud("/cameras", "camera_id", "camera", s.CameraIn, s.CameraOut, s.EnterpriseFilter, DEVICE_OWNERS, "摄像机")
crud("/gateways", "gateway_id", "gateway", s.GatewayIn, s.GatewayOut, s.EnterpriseFilter, DEVICE_OWNERS, "网关")


@route(bp, "/park", roles=ALL_ROLES, response=s.ParkOut)
def get_park(call: Call) -> Any:
    """园区信息与园区指定管理人员。"""
    return s.ParkOut.model_validate(service.park())


@route(bp, "/park", "PUT", roles=ADMIN, body=s.ParkIn, response=s.ParkOut)
def put_park(call: Call) -> Any:
    """设置园区信息与园区指定管理人员（报警短信接收人）。"""
    call.target = "park"
    return s.ParkOut.model_validate(service.put_park(call.body))


@route(bp, "/park/boundary", "PUT", roles=ADMIN, body=s.BoundaryIn, response=s.BoundaryOut)
def put_boundary(call: Call) -> Any:
    """设置园区边界（GeoJSON Polygon/MultiPolygon，[经度, 纬度]，环首尾闭合；一张图的边界图层）。"""
    call.target = "park_boundary"
    return s.BoundaryOut.model_validate(service.put_boundary(call.body))
