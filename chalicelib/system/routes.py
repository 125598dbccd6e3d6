"""System routes: GET /health, GET /openapi.json and the /docs page (no token), GET /me."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.core.http import PUBLIC, Call, json_response, route
from chalicelib.core.identity import ALL_ROLES
from chalicelib.core.settings import get_settings
from chalicelib.system import apidocs, service
from chalicelib.system.schemas import HealthOut, MeOut

bp = Blueprint(__name__)


@route(bp, "/health", roles=PUBLIC, response=HealthOut)
def health(call: Call) -> Response:
    """服务健康检查：DynamoDB、SNS、SQS、Step Functions 是否可达，及版本号。"""
    settings = get_settings()
    report = service.health(settings.version, settings.stage)
    return json_response(report, 200 if report.status == "ok" else 503, call.request_id)


@route(bp, "/openapi.json", roles=PUBLIC, response=dict[str, Any])
def openapi(call: Call) -> dict:
    """OpenAPI 3.1 接口文档（由路由与数据模型生成）。"""
    from chalicelib.core.openapi import document

    return document()


@route(bp, "/docs", roles=PUBLIC, response=str, media_types=("text/html",))
def docs_page(call: Call) -> Response:
    """API 文档页面（Swagger UI，资源随部署包提供，不依赖外部 CDN）。"""
    return Response(apidocs.PAGE, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@route(bp, "/docs/{asset}", roles=PUBLIC, response=str, media_types=("text/css", "application/javascript"))
def docs_asset(call: Call, asset: str) -> Response:
    """API 文档页面的静态资源（swagger-ui.css、swagger-ui-bundle.js、swagger-ui-standalone-preset.js）。"""
    text, media_type = apidocs.asset(asset)
    headers: dict[str, str | list[str]] = {"Content-Type": media_type, "Cache-Control": "public, max-age=86400"}
    return Response(text, status_code=200, headers=headers)


@route(bp, "/me", roles=ALL_ROLES, response=MeOut)
def me(call: Call) -> MeOut:
    """当前登录用户的身份、角色与企业范围。"""
    who = call.identity
    return MeOut(subject=who.subject, name=who.name, roles=sorted(who.roles), enterprise_id=who.enterprise_id)
