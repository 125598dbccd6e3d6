"""Notification rules (pure): who is texted for what priority, masked phones, the ISA-18.2 flood rule and
the zh-CN digest that replaces an area's SMS during a flood."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chalicelib.core.schemas import Priority


@dataclass(frozen=True)
class Recipient:
    name: str
    phone: str
    min_priority: Priority  # texted for alarms at or above this priority


def mask(phone: str) -> str:
    """13800001234 -> 138****1234: the SMS log never shows a whole number."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def flood(recent: list[int], now: int, window_ms: int, threshold: int) -> tuple[list[int], bool]:
    """One more annunciation in an area: the recent ones kept (bounded) and whether the area is in flood
    (more than `threshold` within `window_ms`)."""
    kept = [t for t in recent if now - t < window_ms] + [now]
    return kept[-(threshold * 4) :], len(kept) > threshold


def digest_text(area_label: str, backlog: list[str], minutes: int) -> str:
    """One SMS for an area's held-back alarms: how many, of which kinds (`<kind>|<tag>` summaries)."""
    kinds = Counter(item.split("|", 1)[0] for item in backlog)
    parts = "，".join(f"{k}{n}条" for k, n in kinds.most_common(4))
    return f"【园区报警汇总】{area_label}报警泛滥：近{minutes}分钟共{len(backlog)}条（{parts}），请立即登录系统处置。"
