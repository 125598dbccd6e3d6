"""Alarm tables: per-tag evaluation state, alarms, and alarm events (history and notification outbox)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta

OPEN = "open"


class TagStateModel(Model):
    """The state of one alarm point: an instrument tag, or an event condition (`<source>#<key>`, conds empty).
    Written only when a condition or timer changes (never per reading)."""

    Meta = meta("tag-state")
    tag_id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    last_ts = NumberAttribute(default=0)
    conds = DocumentAttribute(default=dict)  # condition -> Cond.to_dict()
    alarms = DocumentAttribute(default=dict)  # condition -> open alarm id
    # Alarms held out of service: the first evaluated reading after the sensor's return decides (domain.holds).
    held = BooleanAttribute(null=True)
    version = VersionAttribute()


class AlarmModel(Model):
    """One alarm (alarm point + condition, from activation to closure); `doc` is the domain Alarm."""

    Meta = meta("alarms")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    installation_id = UnicodeAttribute(null=True)
    tag_id = UnicodeAttribute()
    raised_ms = NumberAttribute()
    state = UnicodeAttribute()
    priority = UnicodeAttribute()
    condition = UnicodeAttribute()  # an event alarm's kind
    source = UnicodeAttribute(null=True)  # "telemetry" or the raising context (absent on alarms stored before)
    open_key = UnicodeAttribute(null=True)  # "open" until closed: a sparse index of open alarms
    # its installation until closed: a sparse index of an installation's open alarms (risk recomputes it on every
    # alarm event; by_installation holds every alarm it ever had)
    open_installation = UnicodeAttribute(null=True)
    open_enterprise = UnicodeAttribute(null=True)  # its enterprise until closed: the risk profile's open alarms
    doc = DocumentAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "raised_ms")
    by_tag = gsi("by_tag", "tag_id", "raised_ms")
    by_installation = gsi("by_installation", "installation_id", "raised_ms")
    by_open = gsi("by_open", "open_key", "raised_ms")
    by_open_installation = gsi("by_open_installation", "open_installation", "raised_ms")
    by_open_enterprise = gsi("by_open_enterprise", "open_enterprise", "raised_ms")


class AlarmEventModel(Model):
    """History of an alarm; `pending` marks events not yet notified (the outbox the sweep retries)."""

    Meta = meta("alarm-events")
    alarm_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)  # 1, 2, 3 ... per alarm (the alarm's version guards it)
    ts = NumberAttribute()
    type = UnicodeAttribute()
    by = UnicodeAttribute(default="system")
    enterprise_id = UnicodeAttribute()
    area = UnicodeAttribute()
    pending = UnicodeAttribute(null=True)
    published = UnicodeAttribute(null=True)  # set before the topic message goes out: a retry does not repeat it
    doc = DocumentAttribute(default=dict)  # priority, state, value, comment, reason...

    by_pending = gsi("by_pending", "pending", "ts")
    by_area = gsi("by_area", "area", "ts")


class AlarmKpiModel(Model):
    """Alarm KPI counters, maintained in the transaction that records the events (never a scan of them).

    Per scope (`park`, `e#<enterprise id>`, `a#<area>`): one row per hour, `h#<hour start ms>`, with the
    annunciations per 10-minute period (m0..m5), their priority mix and a count per event type; and one
    row per alarm (tag and condition) and day, `t#<day start ms>#<tag>#<condition>`, with its
    annunciations and how many of them chattered (the top-10 and chattering KPIs)."""

    Meta = meta("alarm-kpis")
    scope = UnicodeAttribute(hash_key=True)
    bucket = UnicodeAttribute(range_key=True)
    tag_id = UnicodeAttribute(null=True)
    condition = UnicodeAttribute(null=True)
    n = NumberAttribute(null=True)  # annunciations (raised, reactivated)
    m0 = NumberAttribute(null=True)
    m1 = NumberAttribute(null=True)
    m2 = NumberAttribute(null=True)
    m3 = NumberAttribute(null=True)
    m4 = NumberAttribute(null=True)
    m5 = NumberAttribute(null=True)
    p_low = NumberAttribute(null=True)
    p_medium = NumberAttribute(null=True)
    p_high = NumberAttribute(null=True)
    p_urgent = NumberAttribute(null=True)
    chatter = NumberAttribute(null=True)
    raised = NumberAttribute(null=True)
    reactivated = NumberAttribute(null=True)
    acked = NumberAttribute(null=True)
    cleared = NumberAttribute(null=True)
    closed = NumberAttribute(null=True)
    escalated = NumberAttribute(null=True)
    renotified = NumberAttribute(null=True)
    shelved = NumberAttribute(null=True)
    shelved_low = NumberAttribute(null=True)
    shelved_medium = NumberAttribute(null=True)
    shelved_high = NumberAttribute(null=True)
    shelved_urgent = NumberAttribute(null=True)
    unshelved = NumberAttribute(null=True)
    shelve_expired = NumberAttribute(null=True)
    out_of_service = NumberAttribute(null=True)
    suppressed = NumberAttribute(null=True)

    def counts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.attribute_values.items() if isinstance(v, int | float)}
