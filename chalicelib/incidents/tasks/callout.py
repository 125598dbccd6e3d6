"""Call-out tasks: notify the plan's commanders and units, then escalate the units that never acknowledged."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.duty import service as duty
from chalicelib.incidents import messaging
from chalicelib.incidents.service.records import load, log, update


def notify(incident_id: str) -> None:
    """Call out the commanders and units the plan names (6.4.2-2)."""
    incident = load(incident_id).data()
    chain = duty.escalation_chain()
    commanders = [
        {"name": p.name, "role": "值班长" if i == 1 else "园区安全负责人", "phone": p.phone}
        for i, level in enumerate(chain[1:], start=1)
        for p in level
    ]
    plan = incident.get("plan") or {}
    rank = {level: i for i, level in enumerate(("I", "II", "III", "IV"))}
    called = [
        {"name": n["name"], "role": n.get("role", ""), "phone": n.get("phone")}
        for n in plan.get("notifications", [])
        if rank[incident["level"]] <= rank.get(n.get("min_level", "IV"), 3)
    ]  # from min_level upwards
    now = clock.now_ms()
    # Units must confirm they are on their way (checked after limits.ack_s); commanders are told, not polled.
    units = [{**p, "status": "notified", "notified_ms": now} for p in {p["name"]: p for p in called}.values()]
    text = f"【应急响应启动】{incident['title']}（{incident['level']}级响应），请立即按预案就位并在系统中确认响应。"
    sent = messaging.notify(incident_id, units + commanders, text, incident)
    update(incident_id, lambda d: d.update(units=units, commanders=[c["name"] for c in commanders]))
    log(
        incident_id,
        "notice",
        "system",
        f"通知指挥人员 {len(commanders)} 名、联动单位 {len(units)} 个（送达 {sent}）",
        units=[u["name"] for u in units],
    )


def check_acks(incident_id: str) -> None:
    """Units that did not acknowledge in time are unreachable: escalate (6.4.2-2)."""
    missing: list[str] = []

    def change(d: dict[str, Any]) -> None:
        for u in d.get("units", []):
            if not u.get("acked_ms"):
                u["status"] = "unreachable"
                missing.append(u["name"])

    incident = update(incident_id, change)
    if missing:
        heads = [{"name": p.name, "role": "园区安全负责人", "phone": p.phone} for p in duty.escalation_chain()[2]]
        messaging.notify(
            f"{incident_id}:unreachable",
            heads,
            f"【单位未响应】{incident['title']}：{'、'.join(missing)} 未确认响应，请启用备用联络方式。",
            incident,
        )
    log(
        incident_id,
        "notice",
        "system",
        f"响应确认检查：未响应 {len(missing)} 个" + (f"（{'、'.join(missing)}）" if missing else ""),
    )
