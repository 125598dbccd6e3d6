"""Closed-park tables: gates, zone access levels, appointments, black/white lists, gate events (the access
records, kept ≥ 1 year by a TTL of `access_retention_days`, default 400) and the presence state per subject."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta

INSIDE = "1"  # PresenceModel.inside_key while the subject is inside (sparse index)


class GateModel(Model):
    """A gate (卡口); `enterprise_id` is "_park" for the park's own gates."""

    Meta = meta("access-gates")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class ZoneAccessModel(Model):
    """The access level of a registry zone (the zone itself stays in the registry)."""

    Meta = meta("access-zones")
    zone_id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    level = UnicodeAttribute()
    updated_ms = NumberAttribute()


class AppointmentModel(Model):
    """One appointment; `subject_key` is the visitor's ID number or the vehicle's plate (see domain)."""

    Meta = meta("access-appointments")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()  # the host
    kind = UnicodeAttribute()
    state = UnicodeAttribute()
    subject_key = UnicodeAttribute()
    valid_from_ms = NumberAttribute()
    valid_to_ms = NumberAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()

    by_enterprise = gsi("by_enterprise", "enterprise_id", "created_ms")
    by_state = gsi("by_state", "state", "created_ms")
    by_subject = gsi("by_subject", "subject_key", "valid_to_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "kind": self.kind,
            "state": self.state,
            "valid_from_ms": int(self.valid_from_ms),
            "valid_to_ms": int(self.valid_to_ms),
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class ListEntryModel(Model):
    """A black- or white-list entry, one per (list, kind, value); it lapses at `expires_ms`."""

    Meta = meta("access-lists")
    id = UnicodeAttribute(hash_key=True)
    list_name = UnicodeAttribute()
    subject_key = UnicodeAttribute()  # p:<id number> | v:<plate> | c:<carrier code>
    expires_ms = NumberAttribute()
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    by_subject = gsi("by_subject", "subject_key", "expires_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "expires_ms": int(self.expires_ms),
            "created_ms": int(self.created_ms),
        }


class AccessEventModel(Model):
    """One gate event and its decision (出入记录), keyed by gate and device event id (idempotent), kept at least
    a year: `expires` (TTL) is the event's time plus `access_retention_days`."""

    Meta = meta("access-events", append_only=True)
    key = UnicodeAttribute(hash_key=True)  # <gate_id>#<event_id>
    subject_key = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()  # whose record it is: the credential's enterprise, else the gate's
    at_ms = NumberAttribute()
    decision = UnicodeAttribute()
    doc = DocumentAttribute()
    received_ms = NumberAttribute()
    expires = TTLAttribute()

    by_subject = gsi("by_subject", "subject_key", "at_ms")
    by_enterprise = gsi("by_enterprise", "enterprise_id", "at_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "enterprise_id": self.enterprise_id,
            "decision": self.decision,
            "at_ms": int(self.at_ms),
            "received_ms": int(self.received_ms),
        }


class PresenceModel(Model):
    """Where one person or vehicle is, moved by the allowed gate events in time order (domain.presence)."""

    Meta = meta("access-presence")
    subject_key = UnicodeAttribute(hash_key=True)
    subject_kind = UnicodeAttribute()  # person | vehicle
    enterprise_id = UnicodeAttribute()
    inside_key = UnicodeAttribute(null=True)
    zone_id = UnicodeAttribute(null=True)
    last_ms = NumberAttribute()
    doc = DocumentAttribute(default=dict)  # name, phone, gate, credential

    by_inside = gsi("by_inside", "inside_key", "last_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "subject_key": self.subject_key,
            "subject_kind": self.subject_kind,
            "enterprise_id": self.enterprise_id,
            "inside": self.inside_key == INSIDE,
            "zone_id": self.zone_id,
            "last_ms": int(self.last_ms),
        }
