"""Telemetry message validation (pure, hot path): `{gateway_id, seq, readings:[{tag_id, ts, value, quality}]}`.

Readings are plain tuples `(tag_id, ts_ms, value, quality, message_index)`: at a thousand readings per
message, building an object per reading would cost more than parsing the JSON. Validation and grouping
by tag happen in one pass; only readings already known to be bad take the slow path that names why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import orjson

Reading = tuple[str, int, float, str, int]  # (tag_id, ts epoch ms, value, quality, index of its message)
QUALITIES = frozenset({"good", "bad", "uncertain"})
MAX_FUTURE_MS = 5 * 60 * 1000  # a reading more than 5 min in the future means a broken device clock


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

    by_tag: dict[str, list[Reading]] = field(default_factory=dict)
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (message id, enterprise, gateway)
    rejected: list[tuple[str, str, str, Rejected]] = field(default_factory=list)  # enterprise, gateway, msg, what
    readings: int = 0

    def origin(self, tag: str) -> tuple[str, str, set[str]]:
        """(enterprise, gateway, message ids) of a tag's readings."""
        readings = self.by_tag[tag]
        _, enterprise, gateway = self.messages[readings[0][4]]
        return enterprise, gateway, {self.messages[r[4]][0] for r in readings}

    def gateways(self) -> dict[str, tuple[str, int]]:
        """gateway -> (enterprise, messages in this batch)."""
        out: dict[str, tuple[str, int]] = {}
        for _, enterprise, gateway in self.messages:
            if gateway:
                out[gateway] = (enterprise, out.get(gateway, ("", 0))[1] + 1)
        return out


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
    by_tag, messages, rejected = out.by_tag, out.messages, out.rejected
    oldest, newest, qualities = now_ms - max_age_ms, now_ms + MAX_FUTURE_MS, QUALITIES
    _type, _str = type, str  # locals: this loop runs once per reading
    for message_id, body in records:
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            rejected.append(("", "", message_id, Rejected("invalid_json", raw=body[:2000].decode(errors="replace"))))
            continue
        enterprise_id, gateway_id, readings, problem = _header(doc)
        if problem is not None:
            rejected.append((enterprise_id, gateway_id, message_id, problem))
            messages.append((message_id, enterprise_id, gateway_id))
            continue
        index = len(messages)
        messages.append((message_id, enterprise_id, gateway_id))
        refused = len(rejected)
        for r in readings:  # type: ignore[union-attr]
            # The checks are ordered so a wrong type raises TypeError instead of costing a type() call:
            # `value - value == 0` also rejects inf and nan; `oldest <= ts` rejects non-numbers.
            try:
                tag, ts, value = r["tag_id"], r["ts"], r["value"]
                quality = r.get("quality", "good")
                ok = value - value == 0 and oldest <= ts <= newest and quality in qualities and _type(tag) is _str
            except (KeyError, TypeError, AttributeError):
                ok = False
            if ok and tag:
                reading = (tag, ts, value, quality, index)
            elif _bad_without_value(r, oldest, newest):
                reading = (r["tag_id"], r["ts"], math.nan, "bad", index)
            else:
                rejected.append((enterprise_id, gateway_id, message_id, reject_reason(r, oldest, newest)))
                continue
            group = by_tag.get(tag)
            if group is None:
                by_tag[tag] = [reading]
            elif messages[group[0][4]][1] == enterprise_id:
                group.append(reading)
            else:
                rejected.append((enterprise_id, gateway_id, message_id, Rejected("tag_in_two_enterprises", tag)))
        accepted = len(readings) - (len(rejected) - refused)  # type: ignore[arg-type]
        out.readings += accepted
    return out
