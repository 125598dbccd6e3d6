"""Audit chain rules without AWS: a signed segment names the record that was edited, re-hashed or removed."""

from __future__ import annotations

from typing import Any

from chalicelib.audit import domain


def _chain(n: int) -> list[dict[str, Any]]:
    records, prev = [], domain.GENESIS
    for seq in range(1, n + 1):
        rec = {"seq": seq, "id": f"aud_{seq}", "ts": seq, "actor": "u", "action": "a", "details": {}}
        rec["prev_hash"], rec["hash"] = prev, domain.chain_hash(prev, rec)
        records.append(rec)
        prev = rec["hash"]
    return records


def _signed(records: list[dict[str, Any]]) -> dict[str, Any]:
    return domain.checkpoint_body(0, domain.GENESIS, [(r["seq"], r["id"], r["hash"]) for r in records], ts=1)


def test_an_intact_segment_holds():
    records = _chain(5)
    assert domain.check_segment(_signed(records), records, domain.GENESIS) is None


def test_a_rewrite_rehashed_to_the_end_is_named_at_its_record():
    records = _chain(6)
    body = _signed(records)
    prev = records[2]["prev_hash"]
    for rec in records[2:]:  # edit seq 3, then make the chain self-consistent again
        if rec["seq"] == 3:
            rec["actor"] = "someone-else"
        rec["prev_hash"], rec["hash"] = prev, domain.chain_hash(prev, rec)
        prev = rec["hash"]
    assert domain.first_break(records)[0] is None  # the plain hash chain cannot see it
    assert domain.check_segment(body, records, domain.GENESIS) == domain.Break(3, "aud_3", "signed_hash_mismatch")


def test_an_edit_without_rehash_and_a_removal_are_named():
    records = _chain(4)
    body = _signed(records)
    records[1]["actor"] = "x"
    assert domain.check_segment(body, records, domain.GENESIS) == domain.Break(2, "aud_2", "hash_mismatch")
    intact = _chain(4)
    assert domain.check_segment(body, intact[:3], domain.GENESIS) == domain.Break(4, "aud_4", "missing_record")


def test_the_signature_covers_the_entries_through_their_digest():
    records = _chain(3)
    body = _signed(records)
    forged = {**body, "entries": [[1, "aud_1", "0" * 64], *body["entries"][1:]]}
    assert domain.signed_message(forged) == domain.signed_message(body)  # the list itself is not signed...
    assert domain.check_segment(forged, records, domain.GENESIS) == domain.Break(1, "", "checkpoint_mismatch")
