"""Incident rules (pure): types and levels, statuses, review metrics and the zh-CN archive report."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from chalicelib.core import errors
from chalicelib.core.clock import iso

INCIDENT_STATE = errors.define(
    "INCIDENT_STATE",
    409,
    "应急事件当前状态不允许此操作",
    "e.g. activating an active incident or ordering a closed one.",
)
INSTRUCTION_STATE = errors.define(
    "INSTRUCTION_STATE",
    409,
    "指令状态只能按 已下达→已接收→执行中→已完成 推进",
    "Instruction status moves forward only.",
)


class Type(StrEnum):
    LEAK = "leak"  # 泄漏
    FIRE = "fire"  # 火灾
    EXPLOSION = "explosion"  # 爆炸
    POISONING = "poisoning"  # 中毒
    OTHER = "other"


class Level(StrEnum):
    """Response level: I is the highest (特别重大), IV the lowest (一般)."""

    I = "I"  # noqa: E741
    II = "II"
    III = "III"
    IV = "IV"


class Status(StrEnum):
    REPORTED = "reported"  # 接报
    ACTIVE = "active"  # 应急响应中
    CLOSED = "closed"  # 终止响应并归档


TYPE_LABEL = {"leak": "泄漏", "fire": "火灾", "explosion": "爆炸", "poisoning": "中毒", "other": "其他"}
WARNING_TO_LEVEL = {"red": Level.I, "orange": Level.II, "yellow": Level.III, "blue": Level.IV}
LEVEL_TO_WARNING = {v: k for k, v in WARNING_TO_LEVEL.items()}
INSTRUCTION_FLOW = ("issued", "received", "executing", "done")
INSTRUCTION_LABEL = {"issued": "已下达", "received": "已接收", "executing": "执行中", "done": "已完成"}


def require_status(status: str, action: str, wanted: Status = Status.ACTIVE) -> None:
    """An action allowed only in one status (instructions, situation, release: while the response is active)."""
    if status != wanted.value:
        raise INCIDENT_STATE(details={"status": status, "action": action})


def require_archive(incident: Mapping[str, Any]) -> dict[str, str]:
    """The archive keys of an incident; its report exists only once the response was stood down and archived."""
    keys = incident.get("archive")
    if not keys:
        raise INCIDENT_STATE(details={"status": incident["status"], "action": "report"})
    return dict(keys)


def require_confirmed(warning_id: str, outcome: str | None) -> None:
    """Only a warning verified as real becomes an incident."""
    if outcome != "confirmed":
        raise INCIDENT_STATE(details={"warning_id": warning_id, "reason": "warning not confirmed"})


def advance(current: str, new: str) -> None:
    """Instruction status only moves forward (a repeated report of the same status is allowed)."""
    if INSTRUCTION_FLOW.index(new) < INSTRUCTION_FLOW.index(current):
        raise INSTRUCTION_STATE(details={"from": current, "to": new})


def metrics(incident: Mapping[str, Any], instructions: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Review metrics (5.2.4-3, 6.4.4-3): first instruction, resource dispatch, task completion, unit response."""
    start = incident.get("activated_ms") or incident["created_ms"]
    issued = [i["issued_ms"] for i in instructions]
    units = incident.get("units", [])
    responses = {u["name"]: round((u["acked_ms"] - u["notified_ms"]) / 1000, 1) for u in units if u.get("acked_ms")}
    done = [i for i in instructions if i["status"] == "done"]
    return {
        "time_to_first_instruction_s": round((min(issued) - start) / 1000, 1) if issued else None,
        "resource_dispatch_s": round((incident["dispatched_ms"] - start) / 1000, 1)
        if incident.get("dispatched_ms")
        else None,
        "resources_dispatched": len(incident.get("dispatched_resources", [])),
        "tasks": len(instructions),
        "tasks_done": len(done),
        "task_completion_percent": round(100 * len(done) / len(instructions), 1) if instructions else None,
        "unit_response_s": responses,
        "unit_response_median_s": round(statistics.median(responses.values()), 1) if responses else None,
        "units_unreachable": [u["name"] for u in units if u.get("status") == "unreachable"],
        "evacuation": incident.get("evacuation_counts"),
        "duration_s": round((incident["closed_ms"] - start) / 1000, 1) if incident.get("closed_ms") else None,
    }


def findings(m: Mapping[str, Any]) -> list[str]:
    """Weak points the review must name (5.2.4-3): a short, honest list."""
    out = []
    if m["units_unreachable"]:
        out.append(f"单位未响应：{'、'.join(m['units_unreachable'])}，需核实通讯录并落实备用联络方式")
    if m["task_completion_percent"] is not None and m["task_completion_percent"] < 100:
        out.append(f"任务完成率 {m['task_completion_percent']}%，未完成任务需在预案中明确责任与时限")
    if m["time_to_first_instruction_s"] is not None and m["time_to_first_instruction_s"] > 300:
        out.append(f"首条指令下达用时 {m['time_to_first_instruction_s']} 秒，超过 5 分钟目标")
    evac = m.get("evacuation") or {}
    if evac.get("notified") and evac.get("acknowledged", 0) < evac["notified"]:
        out.append(f"疏散确认 {evac['acknowledged']}/{evac['notified']}，需改进疏散通知触达")
    return out or ["各环节均在目标时限内完成"]


def report(archive: Mapping[str, Any]) -> str:
    """The readable zh-CN archive (应急指挥档案 / 演练复盘报告), Markdown."""
    inc, m = archive["incident"], archive["metrics"]
    kind = "应急演练复盘报告" if inc.get("drill") else "应急指挥档案"
    plan = inc.get("plan") or {}
    activated = iso(inc["activated_ms"]) if inc.get("activated_ms") else "—"
    closed = iso(inc["closed_ms"]) if inc.get("closed_ms") else "—"
    lines = [
        f"# {'【演练】' if inc.get('drill') else ''}{kind}：{inc['title']}",
        "",
        f"- 事件编号：{inc['id']}",
        f"- 类型/级别：{TYPE_LABEL.get(inc['type'], inc['type'])} / {inc['level']} 级响应",
        f"- 地点：{inc.get('place', {}).get('text', '')}（{inc['place']['lat']:.5f}, {inc['place']['lon']:.5f}）",
        f"- 接报：{iso(inc['created_ms'])}，报告人 {inc.get('reporter', '')}；启动：{activated}；终止：{closed}",
        f"- 启动预案：{plan.get('name', '无匹配预案')}（版本 {plan.get('version', '—')}）",
        "",
        "## 影响范围",
    ]
    for z in (inc.get("impact") or {}).get("zones", []):
        reach = f"下风向 {z['downwind_m']:.0f} m，最大半宽 {z['max_halfwidth_m']:.0f} m"
        lines.append(f"- {z['level']}（{z['threshold_ppm']} ppm）：{reach}")
    lines += ["", "## 指令", ""]
    for i in archive["instructions"]:
        lines.append(
            f"- {iso(i['issued_ms'])} → {'、'.join(r['name'] for r in i['recipients'])}：{i['content']}"
            f"（{INSTRUCTION_LABEL.get(i['status'], i['status'])}）"
        )
    lines += ["", "## 复盘指标", ""]
    for key, label in (
        ("time_to_first_instruction_s", "首条指令用时（秒）"),
        ("resource_dispatch_s", "资源调派用时（秒）"),
        ("task_completion_percent", "任务完成率（%）"),
        ("unit_response_median_s", "单位响应中位用时（秒）"),
    ):
        lines.append(f"- {label}：{m.get(key) if m.get(key) is not None else '—'}")
    if m.get("evacuation"):
        lines.append(f"- 疏散通知/确认：{m['evacuation'].get('notified', 0)}/{m['evacuation'].get('acknowledged', 0)}")
    lines += ["", "## 问题与改进建议", ""] + [f"- {f}" for f in findings(m)]
    lines += ["", "## 指挥记录（按时间）", ""]
    lines += [f"- {iso(e['ts'])} [{e['kind']}] {e['actor']}：{e.get('text', '')}" for e in archive["log"]]
    return "\n".join(lines) + "\n"


# Impact zones on the map (一张图): the plume's AEGL footprints and the isolation circle, by what they mean
# for people (domain.md 4.3): AEGL-3 life-threatening, AEGL-2 irreversible harm (evacuate), AEGL-1 discomfort.
ZONE_OF_LEVEL = {"AEGL-3": "lethal", "AEGL-2": "injury", "AEGL-1": "discomfort"}
ZONE_LABEL = {"isolation": "初始隔离区", "lethal": "致死区", "injury": "重伤区（疏散）", "discomfort": "轻伤区"}
