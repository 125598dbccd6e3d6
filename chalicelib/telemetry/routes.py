"""Telemetry routes: quarantine, readings history, device online rate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.core import clock
from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES, Role
from chalicelib.core.lazy import lazy_module
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.registry import service as registry
from chalicelib.telemetry import history, sweeps
from chalicelib.telemetry.schemas import (
    OnlineQuery,
    QuarantineItem,
    QuarantinePage,
    QuarantineQuery,
    ReadingsOut,
    ReadingsQuery,
)

if TYPE_CHECKING:
    from chalicelib.telemetry import store
else:
    store = lazy_module("chalicelib.telemetry.store")

bp = Blueprint(__name__)
DATA_ROLES = [Role.PARK_ADMIN, Role.OPS_ENGINEER, Role.DUTY_OFFICER, Role.ENTERPRISE_MANAGER, Role.ANALYST]


@route(bp, "/telemetry/quarantine", roles=DATA_ROLES, query=QuarantineQuery, response=QuarantinePage)
def list_quarantine(call: Call) -> QuarantinePage:
    """被隔离的遥测消息与读数及原因（格式错误、未知位号、跨企业位号、时间异常等）。"""
    q: QuarantineQuery = call.query
    scope = call.identity.scope(q.enterprise_id) or "_unknown"
    lo = f"{to_ms(q.from_):013d}" if q.from_ else "0"
    hi = f"{to_ms(q.to):013d}~" if q.to else "9999999999999~"
    results = store.QuarantineModel.query(
        scope,
        store.QuarantineModel.key.between(lo, hi),
        filter_condition=(store.QuarantineModel.reason == q.reason) if q.reason else None,
        scan_index_forward=False,
        limit=q.limit,
        last_evaluated_key=decode_cursor(q.cursor),
    )
    items = [
        QuarantineItem(
            enterprise_id=i.enterprise_id,
            received_ms=int(i.received_ms),
            reason=i.reason,
            gateway_id=i.gateway_id,
            tag_id=i.tag_id,
            message_id=i.message_id,
            raw=i.raw,
        )
        for i in results
    ]
    return QuarantinePage(items=items, next_cursor=encode_cursor(results.last_evaluated_key))


@route(bp, "/sensors/{sensor_id}/readings", roles=ALL_ROLES, query=ReadingsQuery, response=ReadingsOut)
def sensor_readings(call: Call, sensor_id: str) -> ReadingsOut:
    """测点历史读数（来自原始数据归档，单次最长 24 小时）。"""
    sensor = registry.get(registry.SENSOR, sensor_id, call.identity)
    q: ReadingsQuery = call.query
    points, truncated = history.readings(sensor["enterprise_id"], sensor_id, to_ms(q.from_), to_ms(q.to), q.limit)
    return ReadingsOut.model_validate(
        {"tag_id": sensor_id, "unit": sensor["unit"], "points": points, "truncated": truncated}
    )


@route(bp, "/telemetry/online", roles=ALL_ROLES, query=OnlineQuery)
def online_rate(call: Call) -> dict[str, Any]:
    """前端感知设备在线率（按企业）。"""
    totals, _ = sweeps.census(clock.now_ms(), call.identity.scope(call.query.enterprise_id))
    return {"enterprises": sweeps.online_rates(totals)}
