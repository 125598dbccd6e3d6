"""Warning tables: warnings (with the task token of the step in progress), their timeline, alarm slots."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class WarningModel(Model):
    Meta = meta("warnings")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    created_ms = NumberAttribute()
    status = UnicodeAttribute()
    awaiting = UnicodeAttribute(null=True)  # the human step the workflow waits for
    token = UnicodeAttribute(null=True)  # its task token: never returned by the API
    doc = DocumentAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "status": self.status,
            "awaiting": self.awaiting,
            "enterprise_id": self.enterprise_id,
            "created_ms": int(self.created_ms),
        }


class WarningEventModel(Model):
    """The timeline (every step with its time, actor and details)."""

    Meta = meta("warning-events")
    warning_id = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)  # "<ms:013d>#<ulid>": time-ordered and unique
    ts = NumberAttribute()
    action = UnicodeAttribute()
    actor = UnicodeAttribute(default="system")
    doc = DocumentAttribute(default=dict)


class SlotModel(Model):
    """One open warning per tag (or per manual report): later alarms of the same tag join it."""

    Meta = meta("warning-slots")
    key = UnicodeAttribute(hash_key=True)
    warning_id = UnicodeAttribute()
