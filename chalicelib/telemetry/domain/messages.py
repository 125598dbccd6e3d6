"""Telemetry message validation (pure, hot path): `{gateway_id, seq, readings:[{tag_id, ts, value, quality}]}`.

Readings are plain tuples `(tag_id, ts_ms, value, quality)`: at a thousand readings per message, building
an object per reading would cost more than parsing the JSON. A message whose readings are all well formed
(the normal case) is validated and grouped by tag with whole-list operations that run in C; only a message
with a bad reading takes the per-reading path that names why each one was refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import orjson

Reading = tuple[str, int, float, str]  # (tag_id, ts epoch ms, value, quality)
QUALITIES = frozenset({"good", "bad", "uncertain"})
MAX_FUTURE_MS = 5 * 60 * 1000  # a reading more than 5 min in the future means a broken device clock
_FIELDS = itemgetter("tag_id", "ts", "value", "quality")


@dataclass(frozen=True, slots=True)
class Rejected:
    """A reading or message that goes to quarantine, with the reason code."""

    reason: str
    tag_id: str | None = None
    raw: Any = None


def reject_reason(r: Any, oldest: int, newest: int) -> Rejected:
    """Why a reading failed validation (the slow path, for readings already known to be bad)."""
    if type(r) is not dict:
        return Rejected("reading_not_object", raw=r)
    tag, ts, value, quality = r.get("tag_id"), r.get("ts"), r.get("value"), r.get("quality", "good")
    if type(tag) is not str or not tag:
        return Rejected("missing_tag_id", raw=r)
    if type(ts) is not int:
        return Rejected("ts_not_epoch_ms", tag, r)
    if not oldest <= ts <= newest:
        return Rejected("ts_out_of_range", tag, r)
    if quality not in QUALITIES:
        return Rejected("invalid_quality", tag, r)
    if (type(value) is float or type(value) is int) and not math.isfinite(value):
        return Rejected("value_not_finite", tag, r)
    return Rejected("value_not_number", tag, r)


def rows_fast(readings: list[Any], oldest: int, newest: int) -> tuple[list[Reading], tuple[str, ...]] | None:
    """The readings as tuples, and their tags, when every one is well formed; else None (then
    `rows_checked` decides reading by reading).

    Each check covers the whole list in one C call: `sum` of ints stays an int (a float or a bool
    outside the range would not pass); `fsum` raises on a non-number and is not finite when any value is
    inf or nan; `"".join` raises on a tag that is not a string.
    """
    try:
        rows = list(map(_FIELDS, readings))
        if not rows:
            return rows, ()
        tags, stamps, values, qualities = zip(*rows, strict=True)
        if (
            oldest <= min(stamps)
            and max(stamps) <= newest
            and type(sum(stamps)) is int
            and math.isfinite(math.fsum(values))
            and QUALITIES.issuperset(qualities)
            and all(tags)
            and "".join(tags)
        ):
            return rows, tags
    except (KeyError, TypeError, ValueError, OverflowError):
        pass
    return None


def rows_checked(readings: list[Any], oldest: int, newest: int) -> tuple[list[Reading], list[Rejected]]:
    """Reading by reading: the accepted tuples and, for each refused reading, why."""
    rows: list[Reading] = []
    refused: list[Rejected] = []
    for r in readings:
        try:
            tag, ts, value = r["tag_id"], r["ts"], r["value"]
            quality = r.get("quality", "good")
            # `value - value == 0` rejects non-numbers, inf and nan in one step
            ok = type(ts) is int and value - value == 0 and oldest <= ts <= newest and quality in QUALITIES
            ok = ok and type(tag) is str and bool(tag)
        except (KeyError, TypeError, AttributeError):
            ok = False
        if ok:
            rows.append((tag, ts, value, quality))
        elif _bad_without_value(r, oldest, newest):
            rows.append((r["tag_id"], r["ts"], math.nan, "bad"))
        else:
            refused.append(reject_reason(r, oldest, newest))
    return rows, refused


def _bad_without_value(r: Any, oldest: int, newest: int) -> bool:
    """A bad-quality reading may carry no value (the device knows it has none)."""
    return (
        type(r) is dict
        and r.get("quality") == "bad"
        and r.get("value") is None
        and type(r.get("tag_id")) is str
        and bool(r.get("tag_id"))
        and type(r.get("ts")) is int
        and oldest <= r["ts"] <= newest
    )


@dataclass
class Batch:
    """An SQS batch decoded: readings grouped by tag, their messages, and what was rejected."""

    by_tag: dict[str, Sequence[Reading]] = field(default_factory=dict)
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (message id, enterprise, gateway)
    rejected: list[tuple[str, str, str, Rejected]] = field(default_factory=list)  # enterprise, gateway, msg, what
    readings: int = 0
    first: int = 0  # the message the first group came from: its tags are by_tag's that no later group holds
    later: list[tuple[int, dict[str, Sequence[Reading]]]] = field(default_factory=list)  # message, its new tags
    also: dict[str, set[int]] = field(default_factory=dict)  # tag -> later messages that repeated it (rare)

    def source(self, tag: str) -> int:
        """Index of the first message with this tag."""
        for index, group in self.later:
            if tag in group:
                return index
        return self.first

    def origin(self, tag: str) -> tuple[str, str, set[str]]:
        """(enterprise, gateway, message ids) of a tag's readings."""
        first = self.source(tag)
        _, enterprise, gateway = self.messages[first]
        return enterprise, gateway, {self.messages[i][0] for i in self.also.get(tag, set()) | {first}}

    def gateways(self) -> dict[str, tuple[str, int]]:
        """gateway -> (enterprise, messages in this batch)."""
        out: dict[str, tuple[str, int]] = {}
        for _, enterprise, gateway in self.messages:
            if gateway:
                out[gateway] = (enterprise, out.get(gateway, ("", 0))[1] + 1)
        return out

    def add(self, index: int, rows: list[Reading], tags: Sequence[str]) -> None:
        """Group one message's accepted readings into the batch. In the normal case (tags unique in the
        message and new to the batch) this is a few dict operations in C, not a loop per reading."""
        group: dict[str, Sequence[Reading]] = dict(zip(tags, zip(rows), strict=True))
        if len(group) != len(rows):  # a tag repeated within the message
            lists: dict[str, list[Reading]] = {}
            for row in rows:
                lists.setdefault(row[0], []).append(row)
            group = {tag: tuple(rs) for tag, rs in lists.items()}
        self.readings += len(rows)
        by_tag = self.by_tag
        if not by_tag:
            self.by_tag, self.first = group, index
            return
        for tag in group.keys() & by_tag.keys():
            first = self.source(tag)
            if self.messages[first][1] == self.messages[index][1]:
                by_tag[tag] = (*by_tag[tag], *group.pop(tag))
                self.also.setdefault(tag, set()).add(index)
            else:
                message_id, enterprise, gateway = self.messages[index]
                for _ in group.pop(tag):
                    self.rejected.append((enterprise, gateway, message_id, Rejected("tag_in_two_enterprises", tag)))
                    self.readings -= 1
        by_tag.update(group)
        self.later.append((index, group))


def _header(doc: Any) -> tuple[str, str, list[Any] | None, Rejected | None]:
    """(enterprise, gateway, readings, message-level rejection)."""
    if type(doc) is not dict:
        return "", "", None, Rejected("message_not_object", raw=doc)
    enterprise_id, gateway_id, readings = doc.get("enterprise_id"), doc.get("gateway_id"), doc.get("readings")
    if type(enterprise_id) is not str or not enterprise_id:
        return "", "", None, Rejected("missing_enterprise", raw=doc)
    if type(gateway_id) is not str or not gateway_id:
        return enterprise_id, "", None, Rejected("missing_gateway_id", raw=doc)
    if type(readings) is not list:
        return enterprise_id, gateway_id, None, Rejected("readings_not_list", raw=doc)
    return enterprise_id, gateway_id, readings, None


def decode_batch(records: list[tuple[str, bytes]], now_ms: int, max_age_ms: int) -> Batch:
    """Decode, validate and group `(message_id, body)` records (the enterprise comes from the IoT rule,
    which sets it from the topic). A message-level problem rejects the message; a bad reading only itself;
    a tag claimed by two enterprises in one batch is rejected for the second."""
    out = Batch()
    oldest, newest = now_ms - max_age_ms, now_ms + MAX_FUTURE_MS
    for message_id, body in records:
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            raw = body[:2000].decode(errors="replace")
            out.rejected.append(("", "", message_id, Rejected("invalid_json", raw=raw)))
            continue
        enterprise_id, gateway_id, readings, problem = _header(doc)
        out.messages.append((message_id, enterprise_id, gateway_id))
        if problem is not None or readings is None:
            out.rejected.append((enterprise_id, gateway_id, message_id, problem or Rejected("readings_not_list")))
            continue
        fast = rows_fast(readings, oldest, newest)
        tags: Sequence[str]
        if fast is not None:
            rows, tags = fast
        else:
            rows, refused = rows_checked(readings, oldest, newest)
            tags = [r[0] for r in rows]
            out.rejected += [(enterprise_id, gateway_id, message_id, why) for why in refused]
        out.add(len(out.messages) - 1, rows, tags)
    return out
