"""Telemetry message validation (pure, hot path): `{gateway_id, seq, readings:[{tag_id, ts, value, quality}]}`.

A message that is well formed throughout (the normal case) is decoded straight into `Reading`s by the
typed decoder (`wire`), and its timestamps checked and its readings grouped by tag with whole-list calls
that run in C. Any other message is parsed again as plain JSON and checked reading by reading, so that
each refused reading goes to quarantine with its reason and the good ones in it are still evaluated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import orjson

from chalicelib.core.ids import is_id
from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.telemetry.domain import wire
    from chalicelib.telemetry.domain.wire import Reading
else:  # only the ingest Lambda needs the typed decoder: `import app` does not load it
    wire = lazy_module("chalicelib.telemetry.domain.wire")

QUALITIES = frozenset({"good", "bad", "uncertain"})
MAX_FUTURE_MS = 5 * 60 * 1000  # a reading more than 5 min in the future means a broken device clock
_TAG, _TS = attrgetter("tag_id"), attrgetter("ts")


@dataclass(frozen=True, slots=True)
class Rejected:
    """A reading or message that goes to quarantine, with the reason code; `count` readings it stands for
    (a message refused as a whole stands for every reading it carried)."""

    reason: str
    tag_id: str | None = None
    raw: Any = None
    count: int = 1


def _is_tag(tag: Any) -> bool:
    return type(tag) is str and 0 < len(tag) <= wire.MAX_ID


def reject_reason(r: Any, oldest: int, newest: int) -> Rejected:
    """Why a reading failed validation (the slow path, for readings already known to be bad). Total: any
    JSON value in any field gives a reason, never an exception."""
    if type(r) is not dict:
        return Rejected("reading_not_object", raw=r)
    tag, ts, value, quality = r.get("tag_id"), r.get("ts"), r.get("value"), r.get("quality", "good")
    if type(tag) is not str or not tag:
        return Rejected("missing_tag_id", raw=r)
    if len(tag) > wire.MAX_ID:
        return Rejected("invalid_tag_id", raw=r)
    if type(ts) is not int:
        return Rejected("ts_not_epoch_ms", tag, r)
    if not oldest <= ts <= newest:
        return Rejected("ts_out_of_range", tag, r)
    if type(quality) is not str or quality not in QUALITIES:
        return Rejected("invalid_quality", tag, r)
    if type(value) is float or type(value) is int:  # a number that got here is infinite, nan or too large
        return Rejected("value_not_finite", tag, r)
    return Rejected("value_not_number", tag, r)


def typed(body: bytes, oldest: int, newest: int) -> tuple[str, str, list[Reading], list[str]] | None:
    """(enterprise, gateway, readings, their tags) of a message that is well formed throughout; None for
    anything else, which `decode_batch` then takes reading by reading to name each reason."""
    try:
        message = wire.decode(body)
    except wire.Invalid:
        return None
    if message.claim is not wire.UNSET or not (is_id(message.enterprise_id) and is_id(message.gateway_id)):
        return None
    rows = message.readings
    if rows:
        stamps = list(map(_TS, rows))
        if not (oldest <= min(stamps) and max(stamps) <= newest):
            return None
    return message.enterprise_id, message.gateway_id, rows, list(map(_TAG, rows))


def rows_checked(readings: list[Any], oldest: int, newest: int) -> tuple[list[Reading], list[Rejected]]:
    """Reading by reading (`readings` as plain JSON): the accepted readings and, for each refused one, why."""
    rows: list[Reading] = []
    refused: list[Rejected] = []
    for r in readings:
        try:
            tag, ts, value = r["tag_id"], r["ts"], r["value"]
            quality = r.get("quality", "good")
            ok = type(ts) is int and oldest <= ts <= newest and type(quality) is str and quality in QUALITIES
            ok = ok and _is_tag(tag) and (type(value) is float or type(value) is int)
            if ok:  # as the typed decoder does: a float, finite (an int too large for a float is refused)
                value = float(value)
                ok = math.isfinite(value)
        except (KeyError, TypeError, AttributeError, OverflowError):
            ok = False
        if ok:
            rows.append(wire.Reading(tag, ts, value, quality))
        elif _bad_without_value(r, oldest, newest):
            rows.append(wire.Reading(r["tag_id"], r["ts"], math.nan, "bad"))
        else:
            refused.append(reject_reason(r, oldest, newest))
    return rows, refused


def _bad_without_value(r: Any, oldest: int, newest: int) -> bool:
    """A bad-quality reading may carry no value (the device knows it has none)."""
    return (
        type(r) is dict
        and r.get("quality") == "bad"
        and r.get("value") is None
        and _is_tag(r.get("tag_id"))
        and type(r.get("ts")) is int
        and oldest <= r["ts"] <= newest
    )


@dataclass
class Batch:
    """An SQS batch decoded: readings grouped by tag, their messages, and what was rejected."""

    by_tag: dict[str, Sequence[Reading]] = field(default_factory=dict)
    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (message id, enterprise, gateway)
    sent: int = 0  # readings received (a message that is not a reading list counts as one)
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
                lists.setdefault(row.tag_id, []).append(row)
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
    """(enterprise, gateway, readings, message-level rejection). A refused message's rejection counts
    every reading it carried, so that readings sent = evaluated + quarantined."""
    if type(doc) is not dict:
        return "", "", None, Rejected("message_not_object", raw=doc)
    enterprise_id, gateway_id = doc.get(wire.TOPIC_ENTERPRISE), doc.get("gateway_id")
    readings = doc.get("readings")
    count = len(readings) if type(readings) is list else 1
    if not is_id(enterprise_id):
        return "", "", None, Rejected("missing_enterprise", raw=doc, count=count)
    if wire.PAYLOAD_CLAIM in doc:  # the payload carried the key the rule sets from the topic: forged
        return enterprise_id, "", None, Rejected("reserved_key", raw=doc, count=count)
    if type(gateway_id) is not str or not gateway_id:
        return enterprise_id, "", None, Rejected("missing_gateway_id", raw=doc, count=count)
    if not is_id(gateway_id):
        return enterprise_id, "", None, Rejected("invalid_gateway_id", raw=doc, count=count)
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
        fast = typed(body, oldest, newest)
        if fast is not None:
            enterprise_id, gateway_id, rows, tags = fast
            out.messages.append((message_id, enterprise_id, gateway_id))
            out.sent += len(rows)
            out.add(len(out.messages) - 1, rows, tags)
            continue
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            raw = body[:2000].decode(errors="replace")
            out.sent += 1
            out.rejected.append(("", "", message_id, Rejected("invalid_json", raw=raw)))
            continue
        enterprise_id, gateway_id, readings, problem = _header(doc)
        out.messages.append((message_id, enterprise_id, gateway_id))
        if problem is not None or readings is None:
            problem = problem or Rejected("readings_not_list")
            out.sent += problem.count
            out.rejected.append((enterprise_id, gateway_id, message_id, problem))
            continue
        out.sent += len(readings)
        rows, refused = rows_checked(readings, oldest, newest)
        out.rejected += [(enterprise_id, gateway_id, message_id, why) for why in refused]
        out.add(len(out.messages) - 1, rows, [r.tag_id for r in rows])
    return out
