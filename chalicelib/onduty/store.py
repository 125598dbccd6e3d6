"""On-duty tables: key posts (with their shifts), roster entries per post, date and shift, check-ins, and the
vacancy alarm each post has open (so the sweep raises it once and clears it once)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class PostModel(Model):
    """关键岗位: name, kind, installation, min_present and shifts live in `doc`."""

    Meta = meta("onduty-posts")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class RosterModel(Model):
    """排班: who is on a post for one shift occurrence; `slot` = "<local date>#<shift id>" (sorts by date)."""

    Meta = meta("onduty-roster")
    post_id = UnicodeAttribute(hash_key=True)
    slot = UnicodeAttribute(range_key=True)
    enterprise_id = UnicodeAttribute()
    doc = DocumentAttribute()  # {"people": [...]}
    updated_ms = NumberAttribute()

    def data(self) -> dict[str, Any]:
        day, _, shift_id = self.slot.partition("#")
        return {
            **self.doc,
            "post_id": self.post_id,
            "date": day,
            "shift_id": shift_id,
            "updated_ms": int(self.updated_ms),
        }


class CheckInModel(Model):
    """签到/签退 of a rostered person for one shift occurrence of a post."""

    Meta = meta("onduty-check-ins")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    slot = UnicodeAttribute()
    person_id = UnicodeAttribute()
    in_ms = NumberAttribute()
    out_ms = NumberAttribute(null=True)
    doc = DocumentAttribute()  # name, location, by, self_reported

    by_enterprise = gsi("by_enterprise", "enterprise_id", "in_ms")
    by_post = gsi("by_post", "post_id", "in_ms")

    def data(self) -> dict[str, Any]:
        day, _, shift_id = self.slot.partition("#")
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "post_id": self.post_id,
            "person_id": self.person_id,
            "date": day,
            "shift_id": shift_id,
            "in_ms": int(self.in_ms),
            "out_ms": int(self.out_ms) if self.out_ms is not None else None,
        }


class VacancyAlarmModel(Model):
    """The vacancy alarm a post has open: its key (post, date, shift) and the alarm engine's id."""

    Meta = meta("onduty-vacancy-alarms")
    post_id = UnicodeAttribute(hash_key=True)
    key = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()
    alarm_id = UnicodeAttribute()
    since_ms = NumberAttribute()
    raised_ms = NumberAttribute()
