"""Notification tables: every SMS sent (the evidence nothing was dropped), per-area flood windows, and for
mobile push the registered devices, per-user preferences and every push sent."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.identity import PARK
from chalicelib.core.store import DocumentAttribute, gsi, meta


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


class DeviceModel(Model):
    """A mobile device registered for push (`POST /me/devices`): whose it is, and its platform endpoint."""

    Meta = meta("push-devices")
    id = UnicodeAttribute(hash_key=True)  # domain.device_id(platform, token)
    user = UnicodeAttribute()  # the token subject of the account that registered it
    enterprise_id = UnicodeAttribute(default=PARK)  # the account's enterprise, PARK for park-level accounts
    platform = UnicodeAttribute()
    token = UnicodeAttribute()
    address = UnicodeAttribute(default="")  # what the push port sends to: the SNS endpoint ARN
    status = UnicodeAttribute(default="active")  # active | disabled (the platform rejected the token)
    registered_ms = NumberAttribute()
    disabled_ms = NumberAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)

    by_user = gsi("by_user", "user", "registered_ms")
    by_enterprise = gsi("by_enterprise", "enterprise_id", "registered_ms")


class PushPreferenceModel(Model):
    """Per user: the app channel's mode per category and quiet hours (`PUT /me/notification-preferences`)."""

    Meta = meta("push-preferences")
    user = UnicodeAttribute(hash_key=True)
    doc = DocumentAttribute()  # {"categories": {category: {"app": mode}}, "quiet_hours": {"start", "end"} | null}
    updated_ms = NumberAttribute()


class PushLogModel(Model):
    """Every push, like the SMS log: claimed once per (ref, device) before it is sent, kept as the evidence."""

    Meta = meta("push-log")
    ref = UnicodeAttribute(hash_key=True)  # what it was about: warning, evacuation, patrol task, alarm event
    device = UnicodeAttribute(range_key=True)
    ts = NumberAttribute()
    user = UnicodeAttribute()
    platform = UnicodeAttribute()
    token = UnicodeAttribute()  # shown masked, as the SMS log shows phones
    kind = UnicodeAttribute()  # domain.Category
    mode = UnicodeAttribute()  # alert | silent
    text = UnicodeAttribute()
    status = UnicodeAttribute(default="sending")  # sending | sent | rejected
    message_id = UnicodeAttribute(default="")
    enterprise_id = UnicodeAttribute(default=PARK)

    by_enterprise = gsi("by_enterprise", "enterprise_id", "ts")
