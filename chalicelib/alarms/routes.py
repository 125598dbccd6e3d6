"""Alarm routes: list, detail with history, ack, shelve, unshelve, reset, close (event alarms), comments,
context, KPIs."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.alarms import service
from chalicelib.alarms.schemas import (
    AckIn,
    AlarmContextOut,
    AlarmDetail,
    AlarmFilter,
    AlarmKpisOut,
    AlarmOut,
    AlarmPage,
    CloseIn,
    CommentIn,
    EmptyIn,
    KpiQuery,
    ShelveIn,
)
from chalicelib.core.clock import to_ms
from chalicelib.core.http import Call, route
from chalicelib.core.identity import ALL_ROLES, ON_DUTY_ROLES, Role

bp = Blueprint(__name__)
OPERATORS = [Role.DUTY_OFFICER, Role.PARK_ADMIN, Role.COMMANDER, Role.ENTERPRISE_MANAGER]
# Park duty roles shelve any priority; enterprise managers only low and medium (domain.shelving).
SHELVERS = [*ON_DUTY_ROLES, Role.ENTERPRISE_MANAGER]
COMMENTERS = [*OPERATORS, Role.INSPECTOR]


@route(bp, "/alarms", roles=ALL_ROLES, query=AlarmFilter, response=AlarmPage)
def list_alarms(call: Call) -> AlarmPage:
    """报警列表（企业、单元、位号、来源、类别、状态、优先级、时间筛选；最新在前）。

    来源 source=telemetry 为测点读数报警，其余为事件报警（如 access、public_area）；园区自有的事件报警
    enterprise_id 为 _park，仅园区角色可见。"""
    q: AlarmFilter = call.query
    items, cursor = service.search(call.identity, q)
    return AlarmPage(items=[AlarmOut.model_validate(i) for i in items], next_cursor=cursor)


@route(bp, "/alarms/kpis", roles=ALL_ROLES, query=KpiQuery, response=AlarmKpisOut)
def alarm_kpis(call: Call) -> AlarmKpisOut:
    """报警系统绩效指标（ISA-18.2 / EEMUA 191），时间范围最长 31 天。

    每10分钟/小时/天报警数、泛滥时段占比、前十报警占比、振荡与陈旧报警数、优先级分布、搁置/停用/抑制统计；
    由写入时维护的计数器计算，企业用户仅见本企业。"""
    q: KpiQuery = call.query
    return AlarmKpisOut.model_validate(
        service.kpis(call.identity, q.enterprise_id, q.area, to_ms(q.from_), to_ms(q.to))
    )


@route(bp, "/alarms/{alarm_id}", roles=ALL_ROLES, response=AlarmDetail)
def get_alarm(call: Call, alarm_id: str) -> AlarmDetail:
    """报警详情与完整历史。"""
    return AlarmDetail.model_validate(service.detail(alarm_id, call.identity))


def _act(call: Call, alarm_id: str, action: str, **kw: Any) -> AlarmOut:
    call.target = alarm_id
    alarm = service.act(alarm_id, call.identity, action, **kw)
    call.audit_details = {"state": alarm.state.value, **{k: v for k, v in kw.items() if v is not None}}
    return AlarmOut.model_validate(service.public(alarm))


@route(bp, "/alarms/{alarm_id}/ack", "POST", roles=OPERATORS, body=AckIn, response=AlarmOut)
def ack_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """确认报警。"""
    return _act(call, alarm_id, "ack", comment=call.body.comment)


@route(bp, "/alarms/{alarm_id}/shelve", "POST", roles=SHELVERS, body=ShelveIn, response=AlarmOut)
def shelve_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """搁置报警（限时，须填写原因，到期自动恢复；通知当班值守人员）。

    高、紧急优先级报警仅园区值守角色可搁置；各优先级最长搁置时间由配置决定；企业用户不能重复搁置已搁置的报警，
    园区值守角色可延长搁置。"""
    return _act(call, alarm_id, "shelve", duration_s=call.body.duration_s, reason=call.body.reason)


@route(bp, "/alarms/{alarm_id}/unshelve", "POST", roles=SHELVERS, body=EmptyIn, response=AlarmOut)
def unshelve_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """解除搁置（通知当班值守人员）。"""
    return _act(call, alarm_id, "unshelve")


@route(bp, "/alarms/{alarm_id}/reset", "POST", roles=OPERATORS, body=EmptyIn, response=AlarmOut)
def reset_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """复位闭锁报警（已恢复且已确认的闭锁报警）。"""
    return _act(call, alarm_id, "reset")


@route(bp, "/alarms/{alarm_id}/close", "POST", roles=OPERATORS, body=CloseIn, response=AlarmOut)
def close_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """关闭事件报警（来源系统无法判断结束的事件，如道闸拒绝通行、一次性行为）：未确认的同时确认，须填写说明。

    读数报警只能随读数恢复正常并确认后关闭（409 ALARM_INVALID_TRANSITION）。"""
    return _act(call, alarm_id, "close", comment=call.body.comment)


@route(bp, "/alarms/{alarm_id}/comments", "POST", roles=COMMENTERS, body=CommentIn, response=AlarmOut, status=201)
def comment_alarm(call: Call, alarm_id: str) -> AlarmOut:
    """为报警添加处置备注。"""
    return _act(call, alarm_id, "comment", comment=call.body.text)


@route(bp, "/alarms/{alarm_id}/context", roles=ALL_ROLES, response=AlarmContextOut)
def alarm_context(call: Call, alarm_id: str) -> AlarmContextOut:
    """报警联动信息：附近摄像机、周边环境读数、危险源化学品与分级、适用预案与最近应急资源。"""
    return AlarmContextOut.model_validate(service.linkage_context(alarm_id, call.identity).public())
