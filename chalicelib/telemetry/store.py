"""Telemetry tables: bounded last-value snapshots per gateway and the quarantine of rejected input."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.store import meta


class ByEnterprise(GlobalSecondaryIndex["GatewaySnapshotModel"]):
    class Meta:
        index_name = "by_enterprise"
        projection = AllProjection()

    enterprise_id = UnicodeAttribute(hash_key=True)
    gateway_id = UnicodeAttribute(range_key=True)


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

    by_enterprise = ByEnterprise()

    def tag_map(self) -> dict[str, list[Any]]:
        return orjson.loads(self.tags)


class QuarantineModel(Model):
    """Rejected messages and readings with the reason (kept 30 days: `expires` is the TTL attribute)."""

    Meta = meta("quarantine")
    enterprise_id = UnicodeAttribute(hash_key=True)  # "_unknown" when the message named none
    key = UnicodeAttribute(range_key=True)  # received ms (13 digits) # ulid
    received_ms = NumberAttribute()
    reason = UnicodeAttribute()
    gateway_id = UnicodeAttribute(default="")
    tag_id = UnicodeAttribute(default="")
    message_id = UnicodeAttribute(default="")
    raw = UnicodeAttribute(default="")
    expires = NumberAttribute()
