"""Linkage tables: actuators, linkage rules, device commands, people positions and evacuation notices."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta

PENDING = "1"  # CommandModel.pending while a device owes an acknowledgement (sparse index)
HEADER = "#"  # EvacueeModel range key of the incident's evacuation header


def _document(item: Any) -> dict[str, Any]:
    """A device's or rule's stored document with its id and times, as the API shows it."""
    return {
        **item.doc,
        "id": item.id,
        "created_at": int(item.created_ms),
        "updated_at": int(item.updated_ms),
    }


class ActuatorModel(Model):
    """A device that receives linkage commands; `enterprise_id` is "_park" for park-level devices."""

    Meta = meta("linkage-devices")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    doc = DocumentAttribute()
    version = VersionAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)

    def data(self) -> dict[str, Any]:
        return _document(self)


class LinkageRuleModel(Model):
    """A linkage rule; `enterprise_id` is "_park" unless its scope names an enterprise or installation."""

    Meta = meta("linkage-rules")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    doc = DocumentAttribute()
    version = VersionAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()

    def data(self) -> dict[str, Any]:
        return _document(self)


class CommandModel(Model):
    """One command to one device: sent -> acked | failed | timeout, or `simulated` in a drill."""

    Meta = meta("linkage-commands")
    command_id = UnicodeAttribute(hash_key=True)
    incident_id = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()  # the device's: the topic it listens on and who may see it
    device_id = UnicodeAttribute()
    status = UnicodeAttribute()
    sent_ms = NumberAttribute()
    acked_ms = NumberAttribute(null=True)
    pending = UnicodeAttribute(null=True)
    doc = DocumentAttribute()  # the payload published, the rule and action that asked for it
    detail = UnicodeAttribute(default="")
    version = VersionAttribute()

    by_incident = gsi("by_incident", "incident_id", "sent_ms")
    by_enterprise = gsi("by_enterprise", "enterprise_id", "sent_ms")
    by_pending = gsi("by_pending", "pending", "sent_ms")

    def data(self) -> dict[str, Any]:
        doc = self.doc
        return {
            **doc,
            "command_id": self.command_id,
            "incident_id": self.incident_id,
            "enterprise_id": self.enterprise_id,
            "device_id": self.device_id,
            "status": self.status,
            "sent_ms": int(self.sent_ms),
            "acked_ms": None if self.acked_ms is None else int(self.acked_ms),
            "detail": self.detail,
        }


class PositionModel(Model):
    """The latest reported position of a person (people-location port, until an access-control module)."""

    Meta = meta("people-positions")
    # "<enterprise or _park>/<person_id>": each enterprise's people ids are its own, so one enterprise's feed can
    # neither overwrite nor shadow another's person (issue 10, finding 7); `people.person_key` builds it.
    key = UnicodeAttribute(hash_key=True)
    person_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    enterprise_id = UnicodeAttribute(null=True)
    source = UnicodeAttribute()
    ts = NumberAttribute()
    received_ms = NumberAttribute()


class EvacueeModel(Model):
    """Per incident: a header (range key "#") and one row per person told to evacuate. The range key is the
    person key (`<enterprise or _park>/<person_id>`, people.person_key); the doc keeps the plain person id."""

    Meta = meta("evacuation-notices")
    incident_id = UnicodeAttribute(hash_key=True)
    person_id = UnicodeAttribute(range_key=True)
    notified_ms = NumberAttribute()
    acked_ms = NumberAttribute(null=True)
    doc = DocumentAttribute()
    version = VersionAttribute()

    @property
    def person(self) -> str:
        """The person id as reported (rows written before person keys held it as the range key itself)."""
        return str(self.doc.get("person_id") or self.person_id)

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "person_id": self.person,
            "notified_ms": int(self.notified_ms),
            "acked_ms": None if self.acked_ms is None else int(self.acked_ms),
        }
