"""Alarm system performance KPIs (pure), per ISA-18.2 / IEC 62682 / EEMUA 191 (docs/alarms.md).

Served from counters maintained on write, never from a scan of the events: every committed event adds to
its hour's row (annunciations per 10-minute period, their priority mix, a count per event type) and every
annunciation to its alarm's row of the day (top-10, chattering). `increments` says what one event adds;
`from_counters` turns the rows of a window (at most MAX_WINDOW_DAYS) and the alarms open now into KPIs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TEN_MIN = 600_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
MAX_WINDOW_DAYS = 31  # ISA-18.2 assesses over about 30 days; a longer window is refused (422)
FLOOD_PER_10_MIN = 10  # ISA-18.2: more than 10 alarms in 10 minutes per operator/area is a flood
CHATTER_WINDOW_MS = 60_000  # ISA-18.2: three or more annunciations of one alarm within 60 s
CHATTER_COUNT = 3
STALE_MS = 24 * 3600_000  # standing alarm: active for more than 24 h
PRIORITIES = ("low", "medium", "high", "urgent")
ANNUNCIATIONS = frozenset({"raised", "reactivated"})
# Event types counted per hour (the rest, e.g. comments, are history only).
COUNTED = frozenset(
    {
        *ANNUNCIATIONS,
        "acked",
        "cleared",
        "closed",
        "escalated",
        "renotified",
        "shelved",
        "unshelved",
        "shelve_expired",
        "out_of_service",
        "suppressed",
    }
)


def scopes(enterprise_id: str, area: str) -> tuple[str, ...]:
    """The counter partitions an alarm's events add to: the park, its enterprise, its area."""
    return ("park", f"e#{enterprise_id}", f"a#{area}")


def hour_bucket(ts: int) -> str:
    return f"h#{ts - ts % HOUR_MS:013d}"


def alarm_bucket(ts: int, tag_id: str, condition: str) -> str:
    return f"t#{ts - ts % DAY_MS:013d}#{tag_id}#{condition}"


def chattered(recent: Sequence[int], ts: int) -> bool:
    """This annunciation is the CHATTER_COUNT-th of its alarm within CHATTER_WINDOW_MS."""
    return len(recent) >= CHATTER_COUNT - 1 and ts - recent[-(CHATTER_COUNT - 1)] <= CHATTER_WINDOW_MS


def increments(event_type: str, ts: int, priority: str, chatter: bool) -> tuple[dict[str, int], dict[str, int]]:
    """What one event adds to its hour row and (annunciations only) to its alarm's day row."""
    if event_type not in COUNTED:
        return {}, {}
    hour = {event_type: 1}
    if event_type == "shelved":
        hour[f"shelved_{priority}"] = 1
    if event_type not in ANNUNCIATIONS:
        return hour, {}
    hour.update({"n": 1, f"m{(ts % HOUR_MS) // TEN_MIN}": 1, f"p_{priority}": 1})
    return hour, {"n": 1, "chatter": int(chatter)}


@dataclass(frozen=True)
class OpenAlarm:
    state: str
    priority: str
    raised_ms: int
    active: bool


def from_counters(
    hours: Iterable[tuple[int, dict[str, int]]],
    alarms: Iterable[tuple[str, str, dict[str, int]]],
    open_now: Iterable[OpenAlarm],
    start_ms: int,
    end_ms: int,
    now_ms: int,
) -> dict[str, object]:
    """KPIs of [start, end): rates over the 10-minute periods that start inside the window; priority mix and
    event counts of the hours it touches; top-10 and chattering of the days it touches."""
    span = max(1, end_ms - start_ms)
    first = start_ms - start_ms % TEN_MIN
    per_period: dict[int, int] = {}
    events: Counter[str] = Counter()
    for hour_ms, counts in hours:
        events.update({k: v for k, v in counts.items() if k in COUNTED or k.startswith(("p_", "shelved_"))})
        for i in range(6):
            period = hour_ms + i * TEN_MIN
            if first <= period < end_ms and counts.get(f"m{i}"):
                per_period[period] = counts[f"m{i}"]
    total = sum(per_period.values())
    periods = max(1, -(-span // TEN_MIN))
    flood_periods = sum(1 for n in per_period.values() if n > FLOOD_PER_10_MIN)
    by_alarm: Counter[tuple[str, str]] = Counter()
    chattering: set[tuple[str, str]] = set()
    for tag_id, condition, counts in alarms:
        by_alarm[(tag_id, condition)] += counts.get("n", 0)
        if counts.get("chatter"):
            chattering.add((tag_id, condition))
    top10, annunciated = by_alarm.most_common(10), sum(by_alarm.values())
    mix = {p: events[f"p_{p}"] for p in PRIORITIES if events[f"p_{p}"]}
    mixed = sum(mix.values())
    held = list(open_now)
    shelved_now = [a for a in held if a.state == "shelved"]
    return {
        "total": total,
        "per_10_min": round(total / (span / TEN_MIN), 3),
        "per_hour": round(total / (span / HOUR_MS), 3),
        "per_day": round(total / (span / DAY_MS), 3),
        "peak_10_min": max(per_period.values(), default=0),
        "flood_periods": flood_periods,
        "flood_percent": round(100 * flood_periods / periods, 2),
        "top10_share_percent": round(100 * sum(n for _, n in top10) / annunciated, 2) if annunciated else 0.0,
        "top10": [{"tag_id": t, "condition": c, "count": n} for (t, c), n in top10],
        "chattering_count": len(chattering),
        "chattering": sorted(f"{t}:{c}" for t, c in chattering),
        "stale_count": sum(1 for a in held if a.active and now_ms - a.raised_ms > STALE_MS),
        "priority_mix_percent": {p: round(100 * n / mixed, 2) for p, n in mix.items()} if mixed else {},
        "shelved": {
            "now": len(shelved_now),
            "now_by_priority": dict(Counter(a.priority for a in shelved_now)),
            "actions": events["shelved"],
            "actions_by_priority": {p: events[f"shelved_{p}"] for p in PRIORITIES if events[f"shelved_{p}"]},
            "unshelved": events["unshelved"],
            "expired": events["shelve_expired"],
        },
        "out_of_service_now": sum(1 for a in held if a.state == "out_of_service"),
        "suppressed_now": sum(1 for a in held if a.state == "suppressed"),
        "events": {k: events[k] for k in sorted(COUNTED) if events[k]},
    }
