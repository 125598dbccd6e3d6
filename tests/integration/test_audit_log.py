"""Audit log (issue 10, findings 3 and 4): nothing lost under concurrency, durable before the response,
rewrites detected against signed checkpoints, verification bounded per call."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pynamodb.exceptions import PutError

from chalicelib.audit import domain, sequencer, store
from chalicelib.audit import verify as verifier
from tests.settings_env import setenv_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("module_stack")  # it walks the audit chain from its genesis (conftest)

WRITERS, REQUESTS = 16, 10


def _drain() -> None:
    """Run the sequencer until nothing is pending but writes' intents still waiting for their result."""
    waiting = store.PendingEntryModel.result != "started"
    for _ in range(50):
        sequencer.run()
        if store.PendingEntryModel.count(store.PENDING, filter_condition=waiting, consistent_read=True) == 0:
            return
    raise AssertionError("the sequencer left entries pending")


def _verify_all(api: Any) -> dict[str, Any]:
    """Walk the whole chain from the genesis through the route, a bounded page per call."""
    body: dict[str, Any] = {"next_from_seq": 0}
    while body["next_from_seq"] is not None:
        r = api.get(f"/audit/verify?from_seq={body['next_from_seq']}", role="auditor")
        assert r.status_code == 200, r.json
        body = r.json
        if not body["ok"] and body["first_break"]["reason"] != "checkpoint_mismatch":
            return body
    return body


def _chained_by_actor(prefix: str) -> Counter[str]:
    rows = store.AuditRecordModel.query(store.CHAIN, filter_condition=store.AuditRecordModel.actor.startswith(prefix))
    return Counter(r.actor for r in rows)


def test_concurrent_writers_lose_no_record_and_the_chain_holds(api):
    run = f"cw-{uuid.uuid4().hex[:8]}"
    stop = threading.Event()

    def sequencer_loop() -> None:  # chains while the writers write (two sequencers would also be safe)
        while not stop.wait(0.05):  # a pause between runs leaves the writers the interpreter (one GIL)
            sequencer.run()

    def writer(i: int) -> list[int]:
        token = api.token("auditor", subject=f"{run}-w{i:02d}")
        # Unfiltered: a filter no record matches reads the whole chain per request (quadratic in this suite's log).
        return [api.get("/audit/records?limit=1", token=token).status_code for _ in range(REQUESTS)]

    background = threading.Thread(target=sequencer_loop)
    background.start()
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            statuses = [s for batch in pool.map(writer, range(WRITERS)) for s in batch]
    finally:
        stop.set()
        background.join()
    assert statuses == [200] * (WRITERS * REQUESTS)
    _drain()

    per_actor = _chained_by_actor(run)
    assert per_actor == {f"{run}-w{i:02d}": REQUESTS for i in range(WRITERS)}  # every record, exactly once
    ids = [r.id for r in store.AuditRecordModel.query(store.CHAIN) if (r.actor or "").startswith(run)]
    assert len(ids) == len(set(ids)) == WRITERS * REQUESTS
    report = _verify_all(api)
    assert report["ok"], report
    assert report["checkpoint_seq"] == report["head_seq"]


def test_entries_not_yet_chained_read_as_pending_not_missing(api):
    subject = f"pending-{uuid.uuid4().hex[:8]}"
    token = api.token("auditor", subject=subject)
    assert api.get("/audit/records?limit=1", token=token).status_code == 200

    items = api.get(f"/audit/records?actor={subject}", role="auditor").json["items"]
    assert [(i["state"], i["seq"], i["action"]) for i in items] == [("pending", None, "audit.list_records")]
    report = api.get("/audit/verify", role="auditor").json
    assert report["ok"] and report["pending"] >= 1 and report["first_break"] is None

    _drain()
    items = api.get(f"/audit/records?actor={subject}", role="auditor").json["items"]
    assert [i["state"] for i in items] == ["chained"] and items[0]["seq"] > 0 and len(items[0]["hash"]) == 64


def test_records_page_through_pending_then_chained(api):
    action = f"page-{uuid.uuid4().hex[:8]}"
    token = api.token("auditor", subject=action)
    for _ in range(3):
        api.get("/audit/records?limit=1", token=token)
    _drain()
    for _ in range(2):
        api.get("/audit/records?limit=1", token=token)
    seen, cursor = [], None
    while True:
        r = api.get(f"/audit/records?actor={action}&limit=2" + (f"&cursor={cursor}" if cursor else ""), role="auditor")
        assert r.status_code == 200, r.json
        seen += [(i["state"], i["id"]) for i in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
    assert [s for s, _ in seen] == ["pending"] * 2 + ["chained"] * 3
    assert len({i for _, i in seen}) == 5


def _rewrite_and_rehash(seq: int) -> str:
    """The insider's attack with write access to the table: edit record `seq`, re-hash every later record
    so the chain is self-consistent, and move the head to the new end."""
    model = store.AuditRecordModel
    head = model.get(store.HEAD, 0, consistent_read=True)
    rows = list(model.query(store.CHAIN, model.seq >= seq, consistent_read=True))
    prev = rows[0].prev_hash
    for row in rows:
        if row.seq == seq:
            row.result = "ok" if row.result != "ok" else "FORBIDDEN"
            row.details_json = '{"note":"nothing happened here"}'
        row.prev_hash = prev
        row.hash = domain.chain_hash(prev, row.as_record())
        row.save()
        prev = row.hash
    head.last_hash = prev
    head.save()
    return str(rows[0].id)


def test_rewrite_and_rehash_attack_is_detected_and_names_the_first_bad_record(api):
    subject = f"attack-{uuid.uuid4().hex[:8]}"
    token = api.token("auditor", subject=subject)
    for _ in range(30):
        api.get("/audit/records?limit=1", token=token)
    _drain()
    assert api.get("/audit/verify", role="auditor").json["ok"]  # stored progress is now at the head
    victims = sorted(r.seq for r in store.AuditRecordModel.by_actor.query(subject))
    target = victims[10]

    model = store.AuditRecordModel
    originals = [*model.query(store.CHAIN, model.seq >= target, consistent_read=True), model.get(store.HEAD, 0)]
    victim_id = _rewrite_and_rehash(target)
    try:
        quick = api.get("/audit/verify", role="auditor").json  # the default, incremental call fails at once
        assert not quick["ok"]
        report = _verify_all(api)
        assert not report["ok"]
        assert report["first_break"] == {"seq": target, "record_id": victim_id, "reason": "signed_hash_mismatch"}
    finally:
        for item in originals:  # later tests share this chain
            item.save()


def test_deleted_record_is_named(api):
    token = api.token("auditor", subject=f"del-{uuid.uuid4().hex[:8]}")
    for _ in range(3):
        api.get("/audit/records?limit=1", token=token)
    _drain()
    head = sequencer.head().last_seq
    victim = store.AuditRecordModel.get(store.CHAIN, head - 1)
    store.AuditRecordModel(store.CHAIN, head - 1).delete()
    try:
        report = _verify_all(api)
        assert report["first_break"] == {"seq": head - 1, "record_id": victim.id, "reason": "missing_record"}
    finally:
        victim.save()  # later tests share this chain


@pytest.fixture
def failing_store(monkeypatch):
    """The audit store refuses writes: from the `fail_from`-th put on (1 = every put)."""
    calls = {"n": 0, "fail_from": 1}
    original = store.PendingEntryModel.save

    def save(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= calls["fail_from"]:
            raise PutError("injected: audit table unavailable")
        return original(self, *args, **kwargs)

    metrics: list[str] = []
    from chalicelib.core import auditing

    real_add = auditing.metrics.add_metric
    monkeypatch.setattr(auditing.metrics, "add_metric", lambda **kw: (metrics.append(kw["name"]), real_add(**kw)))
    monkeypatch.setattr(store.PendingEntryModel, "save", save)
    return calls, metrics


def test_audit_store_down_fails_the_write_with_503_and_nothing_is_done(api, failing_store):
    calls, metrics = failing_store
    name = f"未审计企业-{uuid.uuid4().hex[:6]}"
    r = api.post("/enterprises", role="park_admin", json={"name": name, "location": {"lat": 31.95, "lon": 120.9}})
    assert r.status_code == 503, r.json
    assert r.json["code"] == "AUDIT_UNAVAILABLE" and r.json["details"]["outcome"] == "not_started"
    assert set(r.json) == {"code", "message", "details", "request_id"}
    assert "AuditAppendFailed" in metrics
    calls["fail_from"] = 10**9  # the store is back
    listed = api.get("/enterprises?limit=200", role="park_admin").json["items"]
    assert name not in {e["name"] for e in listed}


def test_audit_store_failing_after_the_write_is_503_and_the_intent_is_kept(api, failing_store):
    calls, _ = failing_store
    calls["fail_from"] = 2  # the intent is stored, the result is not
    name = f"半审计企业-{uuid.uuid4().hex[:6]}"
    r = api.post("/enterprises", role="park_admin", json={"name": name, "location": {"lat": 31.95, "lon": 120.9}})
    assert r.status_code == 503 and r.json["details"]["outcome"] == "unknown"
    calls["fail_from"] = 10**9
    intents = [
        i
        for i in api.get("/audit/records?action=registry.create_enterprise&limit=50", role="auditor").json["items"]
        if i["request_id"] == r.json["request_id"]
    ]
    assert [(i["state"], i["result"]) for i in intents] == [("pending", "started")]


def test_audited_read_fails_with_503_when_its_record_cannot_be_kept(api, failing_store):
    r = api.get("/audit/records?limit=1", role="auditor")
    assert r.status_code == 503 and r.json["code"] == "AUDIT_UNAVAILABLE"
    assert "items" not in r.json  # the sensitive data is not sent without its record


def test_incremental_verify_reads_a_bounded_number_of_records(api, monkeypatch):
    token = api.token("auditor", subject=f"bound-{uuid.uuid4().hex[:8]}")
    for _ in range(3 * domain.SEGMENT):
        api.get("/audit/records?limit=1", token=token)
    _drain()
    reads: list[int] = []
    real = verifier._records
    monkeypatch.setattr(verifier, "_records", lambda a, b: reads.append(len(rows := real(a, b))) or rows)

    bound = 2 * domain.SEGMENT
    start, calls = 0, 0
    while True:
        reads.clear()
        report = verifier.verify(from_seq=start, max_records=bound)
        calls += 1
        assert report.ok, report
        assert report.checked <= bound and sum(reads) <= bound + 1  # + the newest checkpoint's record
        if report.next_from_seq is None:
            break
        start = report.next_from_seq
    assert calls >= sequencer.head().last_seq // bound

    while (report := verifier.verify()).next_from_seq is not None:  # from the stored progress, to the head
        assert report.ok and report.checked <= verifier.MAX_RECORDS
    reads.clear()
    again = verifier.verify()
    assert again.ok and again.checked == 0 and sum(reads) == 1  # only the newest checkpoint's record


def test_a_young_intent_waits_and_an_abandoned_one_is_chained(api, monkeypatch):
    from chalicelib.audit import service
    from chalicelib.core import clock
    from chalicelib.core.auditing import AuditEntry

    entry = service.append(AuditEntry(actor=f"intent-{uuid.uuid4().hex[:6]}", action="x.write", result="started"))
    sequencer.run()
    assert store.PendingEntryModel.get(store.PENDING, entry["id"]).result == "started"
    later = clock.now_ms() + sequencer.INTENT_GRACE_MS + 1000
    monkeypatch.setattr(sequencer.clock, "now_ms", lambda: later)
    sequencer.run()
    chained = list(store.AuditRecordModel.by_actor.query(entry["actor"]))
    assert [(r.id, r.result) for r in chained] == [(entry["id"], "started")]


@pytest.mark.parametrize("value", ["7", "999999999"])
def test_verify_from_a_seq_that_is_no_checkpoint_is_422_naming_it(api, value):
    _drain()
    r = api.get(f"/audit/verify?from_seq={value}", role="auditor")
    if value == "7" and r.status_code == 200:  # 7 may be a checkpoint of this chain: then it verifies from there
        assert r.json["ok"]
        return
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "query.from_seq"


def test_the_scheduled_sequencer_lambda_chains_and_signs_in_the_embedded_stack(api, stack):
    import orjson

    from chalicelib.audit.handlers import SEQUENCER
    from chalicelib.core import aws
    from local.scheduler import scheduled_event

    subject = f"lambda-{uuid.uuid4().hex[:8]}"
    assert api.get("/audit/records?limit=1", token=api.token("auditor", subject=subject)).status_code == 200
    out = aws.client("lambda").invoke(FunctionName=stack.functions[SEQUENCER], Payload=orjson.dumps(scheduled_event()))
    assert "FunctionError" not in out, out["Payload"].read()
    assert [r.actor for r in store.AuditRecordModel.by_actor.query(subject)] == [subject]
    assert sequencer.head().checkpoint_seq == sequencer.head().last_seq


def test_a_filter_that_matches_little_reads_a_bounded_page_and_the_cursor_finds_the_rest(api, setenv):
    _drain()  # the pending table holds only this test's entries from here on
    setenv("CHEMPARK_FILTER_READ_BUDGET", "10")
    early, later = (f"bound-{uuid.uuid4().hex[:8]}" for _ in range(2))
    assert api.get("/audit/records?limit=1", token=api.token("auditor", subject=early)).status_code == 200
    for _ in range(25):  # 25 newer entries stand between the newest-first reader and `early`'s one
        assert api.get("/audit/records?limit=1", token=api.token("auditor", subject=later)).status_code == 200

    first = api.get("/audit/records?action=no-such-action&limit=5", role="auditor").json
    assert first["items"] == [] and first["next_cursor"]  # 10 read, none matched: a short page, not a full read
    second = api.get(f"/audit/records?action=no-such-action&limit=5&cursor={first['next_cursor']}", role="auditor")
    assert second.json["items"] == [] and second.json["next_cursor"] != first["next_cursor"]

    found, cursor, pages = [], "", 0
    while cursor is not None and pages < 20:  # the pending table: 26 entries, 10 read per page
        page = api.get(f"/audit/records?actor={early}&limit=5{'&cursor=' + cursor if cursor else ''}", role="auditor")
        found += page.json["items"]
        cursor, pages = page.json["next_cursor"], pages + 1
    assert [i["actor"] for i in found] == [early] and pages >= 3

    ids, cursor = [], ""
    while cursor is not None and len(ids) < 100:  # more matches than a page holds: the page ends at its 5th
        page = api.get(f"/audit/records?actor={later}&limit=5{'&cursor=' + cursor if cursor else ''}", role="auditor")
        assert len(page.json["items"]) <= 5
        ids += [i["id"] for i in page.json["items"]]
        cursor = page.json["next_cursor"]
    assert len(ids) == len(set(ids)) == 25  # none skipped, none twice
