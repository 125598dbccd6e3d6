"""Alarm tables: per-tag evaluation state, alarms, and alarm events (history and notification outbox)."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import gsi, meta

OPEN = "open"


class TagStateModel(Model):
    """Written only when a condition or timer changes (never per reading)."""

    Meta = meta("tag-state")
    tag_id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    last_ts = NumberAttribute(default=0)
    conds = UnicodeAttribute(default="{}")  # condition -> Cond.to_dict()
    alarms = UnicodeAttribute(default="{}")  # condition -> open alarm id
    version = VersionAttribute()

    def conds_map(self) -> dict[str, Any]:
        return orjson.loads(self.conds)

    def alarms_map(self) -> dict[str, str]:
        return orjson.loads(self.alarms)


class AlarmModel(Model):
    """One alarm (tag + condition, from activation to closure); `doc` is the domain Alarm."""

    Meta = meta("alarms")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    installation_id = UnicodeAttribute(null=True)
    tag_id = UnicodeAttribute()
    raised_ms = NumberAttribute()
    state = UnicodeAttribute()
    priority = UnicodeAttribute()
    condition = UnicodeAttribute()
    open_key = UnicodeAttribute(null=True)  # "open" until closed: a sparse index of open alarms
    doc = UnicodeAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "raised_ms")
    by_tag = gsi("by_tag", "tag_id", "raised_ms")
    by_installation = gsi("by_installation", "installation_id", "raised_ms")
    by_open = gsi("by_open", "open_key", "raised_ms")


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
    doc = UnicodeAttribute(default="{}")  # priority, state, value, comment, reason...

    by_pending = gsi("by_pending", "pending", "ts")
    by_area = gsi("by_area", "area", "ts")
