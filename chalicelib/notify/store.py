"""Notification tables: every SMS sent (the evidence nothing was dropped) and per-area flood windows."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.core.store import meta


class ByEnterprise(GlobalSecondaryIndex["SmsLogModel"]):
    class Meta:
        index_name = "by_enterprise"
        projection = AllProjection()

    enterprise_id = UnicodeAttribute(hash_key=True)
    ts = NumberAttribute(range_key=True)


class SmsLogModel(Model):
    Meta = meta("sms-log")
    ref = UnicodeAttribute(hash_key=True)  # what it was about: alarm event, digest, warning ...
    phone = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    text = UnicodeAttribute()
    message_id = UnicodeAttribute(default="")
    kind = UnicodeAttribute(default="alarm")  # alarm | digest | warning | evacuation | drill
    enterprise_id = UnicodeAttribute(default="_park")

    by_enterprise = ByEnterprise()


class FloodWindowModel(Model):
    """Per area: recent annunciations (timestamps) and what a flood held back for the next digest."""

    Meta = meta("flood-windows")
    area = UnicodeAttribute(hash_key=True)
    recent = UnicodeAttribute(default="[]")  # epoch ms of recent annunciations
    backlog = UnicodeAttribute(default="[]")  # summaries waiting for the digest
    recipients = UnicodeAttribute(default="[]")  # who gets the digest
    last_digest_ms = NumberAttribute(default=0)
    version = VersionAttribute()
