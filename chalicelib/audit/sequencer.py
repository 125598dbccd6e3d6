"""The audit sequencer (审计链定序): the one writer of the chain. It moves pending entries into the chain in
id order, then signs a checkpoint of every new segment (docs/audit.md).

It runs every minute (audit.handlers) under a role of its own, with reserved concurrency 1 in AWS. Two runs
at once are still safe: each chaining transaction is conditional on the head's last_seq and on the pending
entry being unchanged, so a loser only stops early and the entry is chained by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.audit import checkpoints, domain, store
from chalicelib.core import clock
from chalicelib.core.observability import logger, metrics
from chalicelib.core.store import conditional, transaction

BATCH = 25  # entries per transaction: a put and a delete each, plus the head (DynamoDB allows 100 items)
MAX_PER_RUN = 2000  # bounded work per run; a backlog continues in the next run
INTENT_GRACE_MS = 15 * 60 * 1000  # a write's "started" intent older than a Lambda's longest run is chained
BROKEN_METRIC = "AuditChainBroken"


@dataclass(frozen=True)
class Head:
    last_seq: int = 0
    last_hash: str = domain.GENESIS
    checkpoint_seq: int = 0
    checkpoint_hash: str = domain.GENESIS


def head() -> Head:
    try:
        item = store.AuditRecordModel.get(store.HEAD, 0, consistent_read=True)
    except DoesNotExist:
        return Head()
    return Head(
        int(item.last_seq or 0),
        item.last_hash or domain.GENESIS,
        int(item.checkpoint_seq or 0),
        item.checkpoint_hash or domain.GENESIS,
    )


def _ready(entries: list[store.PendingEntryModel], now: int) -> list[store.PendingEntryModel]:
    """A write's intent waits for its result; one left by a Lambda that died is chained as it is."""
    return [e for e in entries if e.result != "started" or now - int(e.ts or 0) > INTENT_GRACE_MS]


def _chain_batch(batch: list[store.PendingEntryModel], at: Head) -> Head | None:
    model = store.AuditRecordModel
    seq, prev = at.last_seq, at.last_hash
    with conditional() as write, transaction() as tx:
        for entry in batch:
            seq += 1
            record = {**entry.as_record(), "seq": seq, "prev_hash": prev}
            record["hash"] = domain.chain_hash(prev, record)
            fields = {k: record[k] for k in ("id", "ts", "actor", "role", "enterprise_id", "action", "target")}
            fields |= {k: record[k] for k in ("result", "status", "request_id", "source_ip", "prev_hash", "hash")}
            item = model(store.CHAIN, seq, details_json=entry.details_json, **fields)
            tx.save(item, condition=model.seq.does_not_exist())
            tx.delete(entry, condition=store.PendingEntryModel.result == entry.result)
            prev = record["hash"]
        guard = (model.last_seq == at.last_seq) if at.last_seq else model.last_seq.does_not_exist()
        tx.update(model(store.HEAD, 0), actions=[model.last_seq.set(seq), model.last_hash.set(prev)], condition=guard)
    if write.failed:  # another run moved the head, or an intent got its result meanwhile: next run
        return None
    return Head(seq, prev, at.checkpoint_seq, at.checkpoint_hash)


def chain_pending(max_entries: int = MAX_PER_RUN) -> int:
    """Chain up to `max_entries` pending entries in id order; returns how many were chained."""
    at, done = head(), 0
    entries = store.PendingEntryModel.query(store.PENDING, consistent_read=True, limit=max_entries)
    ready = _ready(list(entries), clock.now_ms())
    for start in range(0, len(ready), BATCH):
        moved = _chain_batch(ready[start : start + BATCH], at)
        if moved is None:
            break
        at, done = moved, done + len(ready[start : start + BATCH])
    return done


def checkpoint() -> int:
    """Sign every complete or trailing segment after the last checkpoint; returns checkpoints written.

    The chain is checked from the last signed hash before anything is signed: a record edited since it was
    chained is never signed, it is counted in BROKEN_METRIC and logged instead."""
    at, written = head(), 0
    model = store.AuditRecordModel
    while at.checkpoint_seq < at.last_seq:
        seq_to = min(at.checkpoint_seq + domain.SEGMENT, at.last_seq)
        rows = model.query(store.CHAIN, model.seq.between(at.checkpoint_seq + 1, seq_to), consistent_read=True)
        records = [r.as_record() for r in rows]
        broken, checked, end = domain.first_break(records, at.checkpoint_seq + 1, at.checkpoint_hash)
        if broken is not None or checked != seq_to - at.checkpoint_seq:
            logger.error("audit chain broken before signing", extra={"break": str(broken), "checked": checked})
            metrics.add_metric(name=BROKEN_METRIC, unit="Count", value=1)
            break
        entries = [(int(r["seq"]), str(r["id"]), str(r["hash"])) for r in records]
        checkpoints.store(domain.checkpoint_body(at.checkpoint_seq, at.checkpoint_hash, entries, clock.now_ms()))
        guard = (
            model.checkpoint_seq == at.checkpoint_seq if at.checkpoint_seq else model.checkpoint_seq.does_not_exist()
        )
        with conditional() as write:
            model(store.HEAD, 0).update(
                actions=[model.checkpoint_seq.set(seq_to), model.checkpoint_hash.set(end)], condition=guard
            )
        if write.failed:
            break
        at, written = head(), written + 1
    return written


def run() -> dict[str, Any]:
    """One sequencer run: chain what is pending, then sign what is new."""
    chained = chain_pending()
    signed = checkpoint()
    return {"chained": chained, "checkpoints": signed, "head_seq": head().last_seq}
