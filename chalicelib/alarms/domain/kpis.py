"""Alarm system performance KPIs (pure), per ISA-18.2 / IEC 62682 / EEMUA 191 (docs/alarms.md).

Input is the annunciations of a period (raised and re-activated alarms) and the alarms still open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TEN_MIN = 600_000
FLOOD_PER_10_MIN = 10  # ISA-18.2: more than 10 alarms in 10 minutes per operator/area is a flood
CHATTER_WINDOW_MS = 60_000  # ISA-18.2: three or more annunciations of one alarm within 60 s
CHATTER_COUNT = 3
STALE_MS = 24 * 3600_000  # standing alarm: active for more than 24 h


@dataclass(frozen=True)
class Annunciation:
    ts: int
    tag_id: str
    condition: str
    priority: str


def compute(
    annunciations: Iterable[Annunciation], open_since: Iterable[int], start_ms: int, end_ms: int, now_ms: int
) -> dict[str, object]:
    events = sorted((a for a in annunciations if start_ms <= a.ts < end_ms), key=lambda a: a.ts)
    span = max(1, end_ms - start_ms)
    total = len(events)
    per_period = Counter((a.ts - start_ms) // TEN_MIN for a in events)
    periods = max(1, -(-span // TEN_MIN))
    flood_periods = sum(1 for n in per_period.values() if n > FLOOD_PER_10_MIN)
    by_alarm = Counter((a.tag_id, a.condition) for a in events)
    top10 = by_alarm.most_common(10)
    chattering = set()
    times: dict[tuple[str, str], list[int]] = {}
    for a in events:
        seq = times.setdefault((a.tag_id, a.condition), [])
        seq.append(a.ts)
        if len(seq) >= CHATTER_COUNT and seq[-1] - seq[-CHATTER_COUNT] <= CHATTER_WINDOW_MS:
            chattering.add((a.tag_id, a.condition))
    priorities = Counter(a.priority for a in events)
    return {
        "total": total,
        "per_10_min": round(total / (span / TEN_MIN), 3),
        "per_hour": round(total / (span / 3_600_000), 3),
        "per_day": round(total / (span / 86_400_000), 3),
        "peak_10_min": max(per_period.values(), default=0),
        "flood_periods": flood_periods,
        "flood_percent": round(100 * flood_periods / periods, 2),
        "top10_share_percent": round(100 * sum(n for _, n in top10) / total, 2) if total else 0.0,
        "top10": [{"tag_id": t, "condition": c, "count": n} for (t, c), n in top10],
        "chattering_count": len(chattering),
        "chattering": sorted(f"{t}:{c}" for t, c in chattering),
        "stale_count": sum(1 for since in open_since if now_ms - since > STALE_MS),
        "priority_mix_percent": {p: round(100 * n / total, 2) for p, n in sorted(priorities.items())} if total else {},
    }
