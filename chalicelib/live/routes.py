"""Live channel route: how a signed-in console connects to MQTT over WebSocket (contract C)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES
from chalicelib.core.tokens import bearer
from chalicelib.live import schemas as s
from chalicelib.live import service

bp = Blueprint(__name__)


@route(bp, "/live/connection", roles=ALL_ROLES, response=s.ConnectionOut)
def live_connection(call: Call) -> s.ConnectionOut:
    """实时推送连接参数（MQTT over WebSocket：地址、客户端标识、凭证、可订阅主题、到期时间）。"""
    token = bearer(bp.current_request.headers)  # the caller's own token: locally it is the MQTT password
    return s.ConnectionOut.model_validate(service.connection(call.identity, token))
