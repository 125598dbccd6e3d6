"""Audit tables: entries land in the pending table under their own id (one put, no contention); the
sequencer moves them into the chain table (one partition keyed by seq, plus the head item) in order."""

from __future__ import annotations

from typing import Any

import orjson
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.core.store import gsi, meta

CHAIN = "main"
HEAD = "head"
PENDING = "pending"  # partition of the pending table holding entries not chained yet
PROGRESS = "progress"  # partition of the pending table holding the verifier's progress (item id "verify")


class AuditRecordModel(Model):
    """Records live under chain="main"; the head (chain="head", seq=0) holds last_seq and last_hash, and the
    last signed checkpoint (checkpoint_seq, checkpoint_hash). Only the sequencer's role writes this table."""

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
    checkpoint_seq = NumberAttribute(null=True)
    checkpoint_hash = UnicodeAttribute(null=True)

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
            "state": "chained",
        }


class PendingEntryModel(Model):
    """An entry stored by the request that produced it, keyed by its time-sortable id, until the sequencer
    chains it (and deletes it here in the same transaction). The API roles may put here, nothing more."""

    Meta = meta("audit-pending")

    bucket = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)
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
    verified_seq = NumberAttribute(null=True)  # PROGRESS item: the last checkpoint verify walked up to

    def as_record(self) -> dict[str, Any]:
        """The entry as audit reads show it: no sequence number or hash yet."""
        return {
            "seq": None,
            "id": self.id,
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
            "prev_hash": "",
            "hash": "",
            "state": "pending",
        }
