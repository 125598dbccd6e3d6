"""Ingest counters: one row per enterprise per UTC day, updated once per batch (not per message)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.store import meta


class IngestCounterModel(Model):
    Meta = meta("ingest-counters")

    enterprise_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)  # YYYY-MM-DD (UTC)
    messages = NumberAttribute(default=0)
    readings = NumberAttribute(default=0)
    quarantined = NumberAttribute(default=0)
    last_ms = NumberAttribute(default=0)
