"""Dynamic risk routes: park, enterprise and installation levels (red/orange/yellow/blue)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES
from chalicelib.risk import service

bp = Blueprint(__name__)


@route(bp, "/risk/park", roles=ALL_ROLES)
def park_risk(call: Call) -> dict[str, Any]:
    """园区动态风险等级及各企业等级（企业用户仅见本企业明细）。"""
    return service.park_view(call.identity)


@route(bp, "/risk/enterprises/{enterprise_id}", roles=ALL_ROLES)
def enterprise_risk(call: Call, enterprise_id: str) -> dict[str, Any]:
    """企业动态风险等级及各重大危险源单元等级。"""
    return service.enterprise_view(enterprise_id, call.identity)


@route(bp, "/risk/installations/{installation_id}", roles=ALL_ROLES)
def installation_risk(call: Call, installation_id: str) -> dict[str, Any]:
    """重大危险源单元动态风险等级、依据与当前报警。"""
    return service.installation_view(installation_id, call.identity)
