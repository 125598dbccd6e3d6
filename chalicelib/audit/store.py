"""Audit table: one chain partition of records keyed by seq, plus a head item that serialises appends."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.store import gsi, meta

CHAIN = "main"
HEAD = "head"


class AuditRecordModel(Model):
    """Records live under chain="main"; the head (chain="head", seq=0) holds last_seq and last_hash."""

    Meta = meta("audit", append_only=True)

    chain = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    id = UnicodeAttribute(null=True)
    ts = NumberAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)
    enterprise_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute(null=True)
    target = UnicodeAttribute(null=True)
    result = UnicodeAttribute(null=True)
    status = NumberAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    details_json = UnicodeAttribute(null=True)
    prev_hash = UnicodeAttribute(null=True)
    hash = UnicodeAttribute(null=True)
    last_seq = NumberAttribute(null=True)
    last_hash = UnicodeAttribute(null=True)

    by_actor = gsi("by_actor", "actor", "seq")
    by_target = gsi("by_target", "target", "seq")

    def as_record(self) -> dict[str, Any]:
        """The record as the chain hashes it (missing strings read as empty)."""
        return {
            "seq": int(self.seq),
            "id": self.id or "",
            "ts": int(self.ts or 0),
            "actor": self.actor or "",
            "role": self.role or "",
            "enterprise_id": self.enterprise_id or "",
            "action": self.action or "",
            "target": self.target or "",
            "result": self.result or "",
            "status": int(self.status or 0),
            "request_id": self.request_id or "",
            "source_ip": self.source_ip or "",
            "details": orjson.loads(self.details_json) if self.details_json else {},
            "prev_hash": self.prev_hash or "",
            "hash": self.hash or "",
        }
