"""The permit sweep (every 5 min): tickets never outlive their validity, and confined-space work under way is
re-measured at least every 2 h (GB 30871-2022: continuous portable monitoring, recorded every 2 h)."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.identity import SYSTEM
from chalicelib.core.schemas import Priority
from chalicelib.notify import service as notify
from chalicelib.workpermits import domain, store
from chalicelib.workpermits.domain import gas
from chalicelib.workpermits.service import permits
from chalicelib.workpermits.service.records import analyses, audit_system, commit, held, load


def sweep_expired() -> dict[str, int]:
    """A permit past its ends_at is closed (work was under way) or cancelled (never started)."""
    now, counts = clock.now_ms(), {"closed": 0, "cancelled": 0}
    for permit in held(domain.OPEN):
        if permit["ends_ms"] > now:
            continue
        action = "close" if permit["state"] in domain.LIVE else "cancel"
        try:
            if action == "close":
                permits.close(permit["id"], "作业票有效期届满，系统自动关闭", SYSTEM)
            else:
                permits.cancel(permit["id"], "作业票有效期届满未开始作业，系统自动取消", SYSTEM)
        except errors.AppError:
            continue
        audit_system(f"expire_{action}", load(permit["id"], SYSTEM), ends_ms=permit["ends_ms"])
        counts["closed" if action == "close" else "cancelled"] += 1
    return counts


def _remind(permit: dict[str, Any], last_ms: int) -> bool:
    """Flag one overdue period once (the permit remembers the analysis it was flagged after) and text the guardian."""
    item = load(permit["id"], SYSTEM)
    d = item.doc
    if d.get("monitoring_overdue_after") == last_ms or item.state != "active":
        return False
    now = clock.now_ms()
    d["monitoring_overdue_after"] = last_ms
    item.doc, item.updated_ms = d, now
    try:
        commit(
            item, store.event(item.id, now, "system", "monitoring_overdue", 2 * int(item.version or 0), last_ms=last_ms)
        )
    except errors.AppError:  # changed meanwhile: the next sweep looks again
        return False
    audit_system("monitoring_overdue", item, last_sampled_ms=last_ms)
    guardian = d["guardian"]
    notify.send_sms(
        f"wp:{item.id}:monitoring:{last_ms}",
        notify.Recipient(guardian["name"], guardian["phone"], Priority.LOW),
        f"【受限空间监测提醒】作业票{item.id}已超过 2 小时未登记气体检测结果，请立即检测并登记，不合格须停止作业。",
        "work_permit",
        item.enterprise_id,
    )
    return True


def remind_monitoring() -> int:
    """Active work under the confined-space gas rules whose last analysis is more than 2 h old."""
    now, reminded = clock.now_ms(), 0
    for permit in held(frozenset({"active"})):
        if permit.get("gas_rules") != "confined_space":
            continue
        last = max((a["sampled_ms"] for a in analyses(permit["id"])), default=None)
        if last is not None and gas.monitoring_overdue(last, now):
            reminded += _remind(permit, last)
    return reminded


def sweep() -> dict[str, int]:
    """What the schedule runs: expiry, then the 2-hourly confined-space monitoring reminders."""
    return {**sweep_expired(), "monitoring_reminded": remind_monitoring()}
