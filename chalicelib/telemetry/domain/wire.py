"""Telemetry wire types: a message is decoded straight into `Reading`s, parsing and type checks in one C pass.

msgspec rather than pydantic (the API's validator) because this is the hot path: for a 1,000-reading
message it decodes and checks in about half the time `orjson.loads` takes to build plain dicts, where a
pydantic TypeAdapter takes about 1.7x (docs/telemetry.md). Loaded lazily: only the ingest Lambda needs it.

The typed decode is the fast path only: a message it refuses for any reason is decoded again by
`messages.rows_checked`, which names the reason for each refused reading. So these types must accept nothing
that path refuses (tests/unit/test_decode.py compares both on random input).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

# Field names the IoT rule adds (iot_rules/telemetry_ingest.json). The topic's enterprise is trusted (the
# device policy restricts topics); the claim key is present only when the payload itself carried the
# topic key, whichever of the two an IoT SQL engine lets win, so such a message is refused.
TOPIC_ENTERPRISE = "_topic_enterprise"
PAYLOAD_CLAIM = "_payload_topic_enterprise"
MAX_ID = 64  # longest tag, gateway or enterprise id (core.ids.ID_PATTERN)

NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID)]


class Reading(msgspec.Struct, frozen=True, gc=False):
    """One reading. gc=False: it holds only a str, numbers and a str, so it can never be part of a cycle,
    and the collector need not track a thousand new objects per message."""

    tag_id: NonEmpty
    ts: int  # epoch ms
    value: float  # decoding refuses inf, nan and booleans here, and turns an integer into a float
    quality: Literal["good", "bad", "uncertain"] = "good"


class Message(msgspec.Struct, gc=False):
    """`{gateway_id, seq, readings}` plus the topic's enterprise, which the IoT rule adds."""

    enterprise_id: NonEmpty = msgspec.field(name=TOPIC_ENTERPRISE)
    gateway_id: NonEmpty
    readings: list[Reading]
    claim: Any = msgspec.field(default=msgspec.UNSET, name=PAYLOAD_CLAIM)


UNSET = msgspec.UNSET  # `claim` when the payload did not carry the reserved key
Invalid = msgspec.DecodeError  # also raised for a type or constraint that does not hold (ValidationError)
decode = msgspec.json.Decoder(Message).decode
