"""Notification rules (pure): who is texted for what priority, masked phones, the ISA-18.2 flood rule and
the zh-CN digest that replaces an area's SMS during a flood; push categories, modes and quiet hours."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from chalicelib.core.identity import PARK
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


# --- Mobile push (移动推送, issue 14 item 5) -------------------------------------------------------------------


class Platform(StrEnum):
    """Where a device token comes from: APNs and FCM go through SNS mobile push; Huawei (HMS) and JPush
    through the domestic vendor's adapter (docs/notify.md)."""

    APNS = "apns"
    FCM = "fcm"
    HMS = "hms"
    JPUSH = "jpush"


class Category(StrEnum):
    """What a push is about; each is an Android notification channel of its own (`chempark.<category>`)."""

    WARNING = "warning"  # 预警发布
    EVACUATION = "evacuation"  # 疏散指令
    PATROL_TASK = "patrol_task"  # 巡检任务
    ALARM_URGENT = "alarm_urgent"  # 报警（紧急）
    ALARM_HIGH = "alarm_high"
    ALARM_MEDIUM = "alarm_medium"
    ALARM_LOW = "alarm_low"


class Mode(StrEnum):
    """How the app channel delivers a category: with sound (alert), into the notification centre without
    sound or vibration (silent), or not at all (off)."""

    ALERT = "alert"
    SILENT = "silent"
    OFF = "off"


DEFAULTS: dict[Category, Mode] = {
    Category.WARNING: Mode.ALERT,
    Category.EVACUATION: Mode.ALERT,
    Category.PATROL_TASK: Mode.ALERT,
    Category.ALARM_URGENT: Mode.ALERT,
    Category.ALARM_HIGH: Mode.ALERT,
    Category.ALARM_MEDIUM: Mode.OFF,
    Category.ALARM_LOW: Mode.OFF,
}
# Safety-critical: evacuation is always delivered with sound, whatever the preferences (5.4.3-6).
ALWAYS_ALERT = frozenset({Category.EVACUATION})
# Quiet hours never hush these: an urgent alarm (and a red warning, `critical`) must wake its reader.
LOUD_AT_NIGHT = frozenset({Category.EVACUATION, Category.ALARM_URGENT})


def alarm_category(priority: Priority) -> Category:
    return Category(f"alarm_{priority.value}")


def in_quiet_hours(start: time, end: time, now: datetime) -> bool:
    """Whether `now` falls in [start, end) of the day in `start`'s offset; a window may span midnight."""
    local = now.astimezone(start.tzinfo).time().replace(tzinfo=None)
    begin, finish = start.replace(tzinfo=None), end.replace(tzinfo=None)
    return begin <= local < finish if begin < finish else local >= begin or local < finish


def delivery(
    modes: Mapping[Category, Mode],
    quiet: tuple[time, time] | None,
    category: Category,
    now: datetime,
    critical: bool = False,
) -> Mode:
    """How one user's devices get one push: their mode for the category, alert turned silent in their quiet
    hours unless the category (or this message: `critical`) must be heard; evacuation always alerts."""
    if category in ALWAYS_ALERT:
        return Mode.ALERT
    mode = modes.get(category, DEFAULTS[category])
    if mode is Mode.ALERT and quiet and not critical and category not in LOUD_AT_NIGHT:
        return Mode.SILENT if in_quiet_hours(quiet[0], quiet[1], now) else mode
    return mode


def device_id(platform: str, token: str) -> str:
    """One id per (platform, token): registering the same token again is the same device (a phone handed to
    someone else moves with its token), and the id reveals nothing of the token."""
    return "dev_" + hashlib.sha256(f"{platform}\n{token}".encode()).hexdigest()[:24]


def reaches(device_enterprise: str, matter_enterprise: str) -> bool:
    """Tenancy of a push: a park-level account hears of every enterprise, an enterprise's only of its own."""
    return device_enterprise in (PARK, matter_enterprise)
