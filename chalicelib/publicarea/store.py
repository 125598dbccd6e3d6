"""Public-area event table: one item per reported event, keyed by the client's event id (idempotency)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core import clock
from chalicelib.core.identity import PARK
from chalicelib.core.store import DocumentAttribute, gsi, meta


class PublicEventModel(Model):
    """A public-area event (5.1.3) as reported, with the alarm it raised and the linkage it triggered
    (`alarm_id` set once both were done: a retried report finishes what an interrupted one started)."""

    Meta = meta("public-events")
    event_id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()  # the owner: PARK for a park-owned event
    kind = UnicodeAttribute()
    at_ms = NumberAttribute()
    alarm_id = UnicodeAttribute(null=True)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "at_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.event_id,
            "enterprise_id": None if self.enterprise_id == PARK else self.enterprise_id,
            "kind": self.kind,
            "at": clock.iso(int(self.at_ms)),
            "alarm_id": self.alarm_id,
            "created_at": clock.iso(int(self.created_ms)),
        }
