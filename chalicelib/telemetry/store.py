"""Telemetry tables: bounded last-value snapshots per gateway and the quarantine of rejected input."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from chalicelib.core.store import gsi, meta


class GatewaySnapshotModel(Model):
    """Last value of each tag of a gateway, written at most once per `snapshot_every_s` (not per reading)."""

    Meta = meta("gateway-snapshots")
    gateway_id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    updated_ms = NumberAttribute()
    last_message_ms = NumberAttribute(default=0)
    tags = UnicodeAttribute(default="{}")  # tag_id -> [ts, value, quality]
    messages = NumberAttribute(default=0)  # counted since the first snapshot (EMF metrics are exact)
    readings = NumberAttribute(default=0)
    quarantined = NumberAttribute(default=0)

    by_enterprise = gsi("by_enterprise", "enterprise_id", "gateway_id", UnicodeAttribute)

    def tag_map(self) -> dict[str, list[Any]]:
        return orjson.loads(self.tags)


class QuarantineModel(Model):
    """One row per refused message (bounded): reasons with counts and a few samples, kept 30 days (TTL)."""

    Meta = meta("quarantine")
    enterprise_id = UnicodeAttribute(hash_key=True)  # "_unknown" when the message named no valid enterprise
    key = UnicodeAttribute(range_key=True)  # received ms (13 digits) # SQS message id
    day = UnicodeAttribute()  # YYYY-MM-DD (UTC) of receipt
    received_ms = NumberAttribute()
    reason = UnicodeAttribute()  # the most frequent reason
    reasons = UnicodeAttribute(default="{}")  # JSON: reason -> refused readings
    reason_codes = UnicodeSetAttribute()  # the reasons, for the reason filter
    rejected = NumberAttribute(default=1)  # readings refused (a message refused whole counts its readings)
    gateway_id = UnicodeAttribute(default="")
    message_id = UnicodeAttribute(default="")
    samples = UnicodeAttribute(default="[]")  # JSON: up to 5 {reason, tag_id, raw}
    expires = TTLAttribute()

    # Every enterprise's quarantine, one partition per day: the park-wide view, newest first.
    by_day = gsi("by_day", "day", "key", UnicodeAttribute)
