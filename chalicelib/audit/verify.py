"""Incremental verification of the audit chain against its signed checkpoints (bounded work per call).

A call starts at a signed checkpoint (the `from_seq` cursor, else the stored progress, else the genesis) and
walks whole signed segments, never reading more than `max_records` chained records nor MAX_SEGMENTS
checkpoints. Every call also checks
the newest signed checkpoint against the record at its seq, so a rewrite-and-rehash anywhere up to the head
fails verification at once; a walk from the start names the first rewritten record (docs/audit.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.audit import checkpoints, domain, sequencer, store
from chalicelib.core import errors

MAX_RECORDS = 1000  # chained records one call reads at most (at least domain.SEGMENT)
MAX_SEGMENTS = 100  # signed checkpoints one call reads at most (a quiet hour makes many short segments)
_PROGRESS_ID = "verify"


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int  # chained records read and checked by this call
    head_seq: int
    first_break: domain.Break | None
    verified_through: int = 0  # every record up to this seq holds against its signed checkpoint
    checkpoint_seq: int = 0  # the newest signed checkpoint
    pending: int = 0  # entries stored but not chained or not yet under a signed checkpoint
    next_from_seq: int | None = None  # continue here (the walk stopped at its bound)


def _progress() -> int:
    try:
        item = store.PendingEntryModel.get(store.PROGRESS, _PROGRESS_ID, consistent_read=True)
    except DoesNotExist:
        return 0
    return int(item.verified_seq or 0)


def _save_progress(seq: int) -> None:
    store.PendingEntryModel(store.PROGRESS, _PROGRESS_ID, verified_seq=seq).save()


def _records(seq_from: int, seq_to: int) -> list[dict[str, Any]]:
    model = store.AuditRecordModel
    rows = model.query(store.CHAIN, model.seq.between(seq_from, seq_to), consistent_read=True)
    return [r.as_record() for r in rows]


def _anchor(seq: int) -> tuple[str, domain.Break | None]:
    """The signed end hash at checkpoint `seq` (GENESIS at 0), or why it cannot be trusted."""
    if seq == 0:
        return domain.GENESIS, None
    doc = checkpoints.at(seq)
    if doc is None:
        return "", domain.Break(seq, "", "missing_checkpoint")
    if not checkpoints.authentic(doc):
        return "", domain.Break(seq, "", "signature_invalid")
    return str(doc["body"]["end_hash"]), None


def _walk(start: int, budget: int) -> tuple[domain.Break | None, int, int, bool]:
    """Walk signed segments from checkpoint `start`: (break, records read, last verified seq, finished)."""
    start_hash, broken = _anchor(start)
    if broken is not None:
        return broken, 0, start, True
    pos, read = start, 0
    for seq_to in checkpoints.after(start, MAX_SEGMENTS):
        if read + (seq_to - pos) > budget:
            return None, read, pos, False
        doc = checkpoints.at(seq_to)
        if doc is None or not checkpoints.authentic(doc):
            return domain.Break(seq_to, "", "signature_invalid"), read, pos, True
        body = doc["body"]
        if int(body["seq_from"]) != pos:
            return domain.Break(pos + 1, "", "missing_checkpoint"), read, pos, True
        records = _records(pos + 1, seq_to)
        read += len(records)
        broken = domain.check_segment(body, records, start_hash)
        if broken is not None:
            return broken, read, pos, True
        pos, start_hash = seq_to, str(body["end_hash"])
    more = bool(checkpoints.after(pos, 1))
    return None, read, pos, not more


def _head_holds(latest_seq: int, latest_hash: str) -> bool:
    rows = _records(latest_seq, latest_seq)
    return bool(rows) and rows[0]["hash"] == latest_hash


def verify(from_seq: int | None = None, max_records: int = MAX_RECORDS) -> VerifyReport:
    """Check the newest signed checkpoint, then walk at most `max_records` records from the last verified
    checkpoint (or `from_seq`); progress is stored only when everything walked held."""
    if from_seq and checkpoints.at(from_seq) is None:  # a cursor names a checkpoint, else it is the caller's error
        raise errors.invalid_field("query.from_seq", "不是签名检查点的序号（用上次的 next_from_seq，或 0 从头校验）")
    head = sequencer.head()
    pending = store.PendingEntryModel.count(store.PENDING, limit=10_000)
    latest = checkpoints.latest()
    latest_seq = int(latest["body"].get("seq_to", 0)) if latest else 0
    broken: domain.Break | None = None
    if latest is not None and not checkpoints.authentic(latest):
        broken = domain.Break(latest_seq, "", "signature_invalid")
    elif latest is not None and head.last_seq < latest_seq:
        broken = domain.Break(head.last_seq + 1, "", "head_mismatch")  # signed records were removed
    head_ok = broken is None and (latest is None or _head_holds(latest_seq, str(latest["body"]["end_hash"])))
    start = from_seq if from_seq is not None else (_progress() if head_ok else 0)
    budget = max(max_records, domain.SEGMENT)
    walked, read, pos, finished = _walk(start, budget) if broken is None else (None, 0, start, True)
    broken = broken or walked
    if broken is None and not head_ok:  # the walk has not reached the rewritten record yet: keep walking
        broken = domain.Break(latest_seq, "", "checkpoint_mismatch")
    ok = broken is None and head_ok
    if ok and from_seq is None and pos > start:
        _save_progress(pos)
    return VerifyReport(
        ok=ok,
        checked=read,
        head_seq=head.last_seq,
        first_break=broken,
        verified_through=pos if broken is None else 0,
        checkpoint_seq=latest_seq,
        pending=pending + max(0, head.last_seq - latest_seq),
        next_from_seq=None if finished or walked is not None else pos,
    )
