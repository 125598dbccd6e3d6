"""Hash chain rules (pure): each record's hash covers its fields and the previous record's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "id",
    "ts",
    "actor",
    "role",
    "enterprise_id",
    "action",
    "target",
    "result",
    "status",
    "request_id",
    "source_ip",
    "details",
)


def chain_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the canonical JSON of the chained fields."""
    canonical = orjson.dumps({f: record.get(f) for f in CHAINED_FIELDS}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(prev_hash.encode() + b"|" + canonical).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold, and why."""

    seq: int
    record_id: str
    reason: str  # hash_mismatch | prev_hash_mismatch | missing_record | head_mismatch


def first_break(
    records: Iterable[Mapping[str, Any]], start_seq: int = 1, start_hash: str = GENESIS
) -> tuple[Break | None, int, str]:
    """Walk records in seq order; return (first break or None, records checked, hash of the last one)."""
    expected_seq, prev_hash, checked = start_seq, start_hash, 0
    for rec in records:
        seq = int(rec["seq"])
        if seq != expected_seq:
            return Break(expected_seq, "", "missing_record"), checked, prev_hash
        if rec.get("prev_hash") != prev_hash:
            return Break(seq, str(rec.get("id", "")), "prev_hash_mismatch"), checked, prev_hash
        if chain_hash(prev_hash, rec) != rec.get("hash"):
            return Break(seq, str(rec.get("id", "")), "hash_mismatch"), checked, prev_hash
        prev_hash, expected_seq, checked = str(rec["hash"]), seq + 1, checked + 1
    return None, checked, prev_hash
