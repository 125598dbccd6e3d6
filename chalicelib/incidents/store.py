"""Incident tables: incidents (with the stand-down step and its token), the command log, instructions."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, meta


class IncidentModel(Model):
    Meta = meta("incidents")
    id = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    status = UnicodeAttribute()
    created_ms = NumberAttribute()
    awaiting = UnicodeAttribute(null=True)  # the human step the workflow waits for ("stand_down")
    token = UnicodeAttribute(null=True)  # its task token: never returned by the API
    doc = DocumentAttribute()
    version = VersionAttribute()

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "enterprise_id": self.enterprise_id,
            "status": self.status,
            "created_ms": int(self.created_ms),
            "awaiting_stand_down": bool(self.token),
        }


class LogModel(Model):
    """Command log (指挥记录): every event of the response in time order, for replay and the archive."""

    Meta = meta("incident-log")
    incident_id = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)  # "<ms:013d>#<ulid>"
    ts = NumberAttribute()
    kind = UnicodeAttribute()  # event | situation | instruction | notice | linkage | evacuation | impact
    actor = UnicodeAttribute(default="system")
    doc = DocumentAttribute(default=dict)


class InstructionModel(Model):
    Meta = meta("instructions")
    incident_id = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
    status = UnicodeAttribute()  # issued | received | executing | done
    doc = DocumentAttribute()
    version = VersionAttribute()

    def data(self) -> dict[str, Any]:
        return {**self.doc, "id": self.id, "incident_id": self.incident_id, "status": self.status}
