"""System routes: GET /health (no token), GET /openapi.json (no token), GET /me."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.core.http import PUBLIC, Call, json_response, route
from chalicelib.core.identity import ALL_ROLES
from chalicelib.core.settings import get_settings
from chalicelib.system import service
from chalicelib.system.schemas import HealthOut, MeOut

bp = Blueprint(__name__)


@route(bp, "/health", roles=PUBLIC, response=HealthOut)
def health(call: Call) -> Response:
    """服务健康检查：DynamoDB、SNS、SQS、Step Functions 是否可达，及版本号。"""
    settings = get_settings()
    report = service.health(settings.version, settings.stage)
    return json_response(report, 200 if report.status == "ok" else 503, call.request_id)


@route(bp, "/openapi.json", roles=PUBLIC)
def openapi(call: Call) -> dict:
    """OpenAPI 3.1 接口文档（由路由与数据模型生成）。"""
    from chalicelib.core.openapi import document

    return document()


@route(bp, "/me", roles=ALL_ROLES, response=MeOut)
def me(call: Call) -> MeOut:
    """当前登录用户的身份、角色与企业范围。"""
    who = call.identity
    return MeOut(subject=who.subject, name=who.name, roles=sorted(who.roles), enterprise_id=who.enterprise_id)
