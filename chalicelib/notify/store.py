"""Notification tables: every SMS sent (the evidence nothing was dropped) and per-area flood windows."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.identity import PARK
from chalicelib.core.store import gsi, meta


class SmsLogModel(Model):
    Meta = meta("sms-log")
    ref = UnicodeAttribute(hash_key=True)  # what it was about: alarm event, digest, warning ...
    phone = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    text = UnicodeAttribute()
    message_id = UnicodeAttribute(default="")
    kind = UnicodeAttribute(default="alarm")  # alarm | digest | warning | evacuation | drill
    enterprise_id = UnicodeAttribute(default=PARK)

    by_enterprise = gsi("by_enterprise", "enterprise_id", "ts")


class FloodWindowModel(Model):
    """Per area: recent annunciations (timestamps) and what a flood held back for the next digest."""

    Meta = meta("flood-windows")
    area = UnicodeAttribute(hash_key=True)
    recent = UnicodeAttribute(default="[]")  # epoch ms of recent annunciations
    backlog = UnicodeAttribute(default="[]")  # summaries waiting for the digest
    recipients = UnicodeAttribute(default="[]")  # who gets the digest
    last_digest_ms = NumberAttribute(default=0)
    version = VersionAttribute()
