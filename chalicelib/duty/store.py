"""Duty tables: the shift definitions, one assignment per (date, shift), and handover records."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, meta


class AssignmentModel(Model):
    """`day` = "YYYY-MM-DD" (local), `shift` = shift id; the special day "_shifts" holds the shift list."""

    Meta = meta("duty-roster")
    day = UnicodeAttribute(hash_key=True)
    shift = UnicodeAttribute(range_key=True)
    doc = DocumentAttribute()
    updated_ms = NumberAttribute()

    def data(self) -> dict[str, Any]:
        return self.doc


class HandoverModel(Model):
    Meta = meta("duty-handovers")
    id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # pending | acknowledged
    doc = DocumentAttribute()
    version = VersionAttribute()

    def data(self) -> dict[str, Any]:
        return {**self.doc, "id": self.id, "status": self.status}
