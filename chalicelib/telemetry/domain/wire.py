"""Telemetry wire types: a message is decoded straight into `Reading`s, parsing and type checks in one C pass.

msgspec rather than pydantic (the API's validator) because this is the hot path: for a 1,000-reading
message it decodes and checks in about half the time `orjson.loads` takes to build plain dicts, where a
pydantic TypeAdapter takes about 1.7x (docs/telemetry.md). Loaded lazily: only the ingest Lambda needs it.

The typed decode is the fast path only: a message it refuses for any reason is decoded again by
`messages.rows_checked`, which names the reason for each refused reading. So these types must accept nothing
that path refuses (tests/unit/test_decode.py compares both on random input).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]


class Reading(msgspec.Struct, frozen=True, gc=False):
    """One reading. gc=False: it holds only a str, numbers and a str, so it can never be part of a cycle,
    and the collector need not track a thousand new objects per message."""

    tag_id: NonEmpty
    ts: int  # epoch ms
    value: float  # decoding refuses inf, nan and booleans here, and turns an integer into a float
    quality: Literal["good", "bad", "uncertain"] = "good"


class Message(msgspec.Struct, gc=False):
    """`{gateway_id, seq, readings}` plus `enterprise_id`, which the IoT rule sets from the topic."""

    enterprise_id: NonEmpty
    gateway_id: NonEmpty
    readings: list[Reading]


Invalid = msgspec.DecodeError  # also raised for a type or constraint that does not hold (ValidationError)
decode = msgspec.json.Decoder(Message).decode
