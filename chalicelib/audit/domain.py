"""Hash chain rules (pure): each record's hash covers its fields and the previous record's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
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
    # hash_mismatch | prev_hash_mismatch | missing_record | head_mismatch | signed_hash_mismatch |
    # checkpoint_mismatch | signature_invalid | missing_checkpoint
    reason: str


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


# Signed checkpoints (docs/audit.md): one per segment of at most SEGMENT records. The signature covers a
# short canonical message (KMS signs RAW messages up to 4 KB) that binds the segment's entries by digest.
SEGMENT = 100


def segment_digest(entries: Iterable[tuple[int, str, str]]) -> str:
    """sha256 over the (seq, id, hash) of every record of a segment, in order."""
    lines = "\n".join(f"{seq}:{rid}:{h}" for seq, rid, h in entries)
    return hashlib.sha256(lines.encode()).hexdigest()


def checkpoint_body(seq_from: int, start_hash: str, entries: list[tuple[int, str, str]], ts: int) -> dict[str, Any]:
    """The stored checkpoint of records seq_from+1..seq_to (`entries` in order, consecutive)."""
    return {
        "seq_from": seq_from,
        "seq_to": entries[-1][0] if entries else seq_from,
        "start_hash": start_hash,
        "end_hash": entries[-1][2] if entries else start_hash,
        "digest": segment_digest(entries),
        "ts": ts,
        "entries": [list(e) for e in entries],
    }


def signed_message(body: Mapping[str, Any]) -> bytes:
    """What the key signs: every field of the body but the entry list, which `digest` stands for."""
    signed = {k: body[k] for k in ("seq_from", "seq_to", "start_hash", "end_hash", "digest", "ts")}
    return orjson.dumps(signed, option=orjson.OPT_SORT_KEYS)


def check_segment(body: Mapping[str, Any], records: Sequence[Mapping[str, Any]], start_hash: str) -> Break | None:
    """The first record of a signed segment that is missing, edited or re-hashed, or None when all hold.

    `body` must already be known authentic (its signature checked) and `start_hash` must be the previous
    segment's end (or GENESIS). A record rewritten and re-hashed consistently still differs from the hash the
    checkpoint signed for its seq, which names it."""
    entries = [(int(s), str(i), str(h)) for s, i, h in body["entries"]]
    if segment_digest(entries) != body["digest"] or body["start_hash"] != start_hash:
        return Break(int(body["seq_from"]) + 1, "", "checkpoint_mismatch")
    by_seq = {int(r["seq"]): r for r in records}
    prev = start_hash
    for seq, rid, signed_hash in entries:
        rec = by_seq.get(seq)
        if rec is None:
            return Break(seq, rid, "missing_record")
        if str(rec.get("id", "")) != rid or rec.get("hash") != signed_hash:
            return Break(seq, str(rec.get("id", "")), "signed_hash_mismatch")
        if rec.get("prev_hash") != prev:
            return Break(seq, rid, "prev_hash_mismatch")
        if chain_hash(prev, rec) != signed_hash:
            return Break(seq, rid, "hash_mismatch")
        prev = signed_hash
    return None
