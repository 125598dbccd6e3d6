"""Fault injection (issue 10, item 11): AWS calls fail during a burst of alarms, then the fault clears.

Failures come from botocore's own event hooks (`tests.faults`) on every client the code uses: SNS Publish
(topic messages and SMS), DynamoDB writes (throttling, transaction conflicts), Step Functions StartExecution and
S3 PutObject. The burst goes through the real ingest Lambda (`deliver`: an SQS event invoked through moto's
Lambda API, batch item failures handed back and redelivered as SQS would); the outbox sweep, SQS redelivery and
Lambda's retries of asynchronous (SNS) invocations are driven explicitly, never waited for. Once the fault
clears, every alarm is delivered exactly once: one alarm record per activation, one topic message per event,
one SMS per event and recipient, one verification workflow per tag; and no reading is lost.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from typing import Any

import orjson
import pytest

from chalicelib.alarms import service as alarms
from chalicelib.alarms import store as alarm_store
from chalicelib.core import aws, catalog, clock
from chalicelib.notify import store as sms_store
from chalicelib.telemetry import caches
from chalicelib.warnings import store as warning_store
from local import moto_patches
from local.poller import sqs_event
from tests.faults import DYNAMODB_WRITES, Faults
from tests.support import MqttClient, Park, TopicTap, batch, make_park, message, mqtt_bridge, now, sms_to, wait_for

pytestmark = pytest.mark.usefixtures("module_stack")  # its checks scan whole tables (tests/conftest.py)

PARKS = 4  # each: a chlorine detector and a temperature crossing HH in one message -> H and HH on both
EXPECTED = {"AT-1": {"H": "high", "HH": "urgent"}, "TI-1": {"H": "medium", "HH": "high"}}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Any:
    caches.reset_caches()
    moto_patches.failed_async.clear()  # another test's failed invocations are not this test's to retry
    yield
    caches.reset_caches()


def deliver(stack: Any, messages: list[tuple[str, bytes]]) -> list[str]:
    """One SQS batch through the ingest Lambda; the message ids SQS would deliver again (all of them when the
    function itself failed, as Lambda does)."""
    event = sqs_event(
        [{"MessageId": mid, "ReceiptHandle": mid, "Body": body.decode()} for mid, body in messages],
        f"arn:aws:sqs:us-east-1:123456789012:{catalog.queue('telemetry').name}",
        "us-east-1",
    )
    reply = aws.client("lambda").invoke(FunctionName=stack.functions["ingest_telemetry"], Payload=orjson.dumps(event))
    payload = orjson.loads(reply["Payload"].read())
    if reply.get("FunctionError"):
        return [mid for mid, _ in messages]
    return [f["itemIdentifier"] for f in payload["batchItemFailures"]]


def redeliver(stack: Any, messages: list[tuple[str, bytes]], failed: list[str]) -> int:
    """SQS hands the failed messages back until none fails; returns the deliveries it took."""
    rounds = 0
    while failed:
        rounds += 1
        assert rounds <= 5, f"still failing after {rounds} redeliveries: {failed}"
        failed = deliver(stack, [m for m in messages if m[0] in failed])
    return rounds


def sweep_outbox() -> int:
    """The minute sweep's outbox step, a minute later (events older than 30 s are re-sent), until nothing is
    pending; returns the events it dispatched."""
    total = 0
    with clock.use(clock.FrozenClock(clock.now_ms() + 60_000)):
        for _ in range(10):
            try:
                sent = alarms.redispatch_pending()
            except Exception:  # a fault still active: the next minute tries again
                continue
            total += sent
            if not sent:
                return total
    raise AssertionError("the outbox never emptied")


def burst(api: Any) -> tuple[list[Park], list[tuple[str, bytes]]]:
    parks = [make_park(api) for _ in range(PARKS)]
    t = now()
    return parks, batch(*(message(p.enterprise_id, [(p.tag, t, 2.6), (p.temp_tag, t, 85.0)]) for p in parks))


def assert_delivered_once(parks: list[Park], tap: TopicTap) -> None:
    """Per park: one alarm per tag and condition, nothing pending, each event on the topic once, each SMS once,
    one verification (and one workflow execution) per tag with an alarm of high priority or above."""
    published = Counter(m["body"]["event_id"] for m in tap.messages() if "event_id" in m["body"])  # not risk
    assert all(n == 1 for n in published.values()), [e for e, n in published.items() if n > 1]
    sfn = aws.client("stepfunctions")
    executions = {
        e["name"]
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=catalog.state_machine_arn("warning-verification")
        )
        for e in page["executions"]
    }
    for park in parks:
        found = list(alarm_store.AlarmModel.scan(alarm_store.AlarmModel.enterprise_id == park.enterprise_id))
        got = {(a.tag_id.removeprefix(f"{park.enterprise_id}-"), a.condition): a.priority for a in found}
        assert got == {(t, c): p for t, conditions in EXPECTED.items() for c, p in conditions.items()}
        events = [e for a in found for e in alarm_store.AlarmEventModel.query(a.id)]
        assert [e.type for e in events] == ["raised"] * len(found)
        assert not [e for e in events if e.pending], "events left in the outbox"
        assert {f"{e.alarm_id}:{int(e.seq)}" for e in events} <= set(published)
        texted = [e for e, a in zip(events, found, strict=True) if a.priority in ("medium", "high", "urgent")]
        refs = [f"{e.alarm_id}:{int(e.seq)}" for e in texted]
        logged = [r for ref in refs for r in sms_store.SmsLogModel.query(ref) if r.phone.endswith(park.manager_phone)]
        assert sorted(r.ref for r in logged) == sorted(refs)  # one SMS per event for the manager
        # and SNS sent each exactly once (the log's message id may be missing when only logging it failed)
        assert len(sms_to(park.manager_phone)) == len(refs)
        warnings = list(warning_store.WarningModel.scan(warning_store.WarningModel.enterprise_id == park.enterprise_id))
        assert sorted(w.doc["tag_id"] for w in warnings) == sorted([park.tag, park.temp_tag])
        assert [w.id for w in warnings if w.id not in executions] == [], "verification not started"


def run_burst(api: Any, stack: Any, faults: Faults, during: Any, persist: int = 0) -> tuple[list[Park], TopicTap, int]:
    """Make the parks, arm the faults (`during(faults)`), deliver the burst; for `persist` rounds the faults
    stay while SQS redelivers and the outbox sweep runs; then they clear, the same retries run until nothing is
    left, and Lambda retries its failed asynchronous invocations (a minute later: after the fault; one that
    outlasts Lambda's two retries is the limit the README states)."""
    parks, messages = burst(api)
    tap = TopicTap()
    during(faults)
    failed = deliver(stack, messages)
    for _ in range(persist):
        if failed:
            failed = deliver(stack, [m for m in messages if m[0] in failed])
        with contextlib.suppress(Exception), clock.use(clock.FrozenClock(clock.now_ms() + 60_000)):
            alarms.redispatch_pending()
    faults.clear()
    rounds = redeliver(stack, messages, failed)
    sweep_outbox()
    moto_patches.retry_async()
    return parks, tap, rounds


def replay_changes_nothing(stack: Any, parks: list[Park], tap: TopicTap, messages: list[tuple[str, bytes]]) -> None:
    before = len(sms_to(parks[0].manager_phone))
    assert deliver(stack, messages) == []
    assert tap.messages() == [] and len(sms_to(parks[0].manager_phone)) == before


def test_without_faults_the_burst_is_delivered_once(api: Any, stack: Any) -> None:
    with Faults() as faults:
        parks, tap, rounds = run_burst(api, stack, faults, lambda f: None)
    assert rounds == 0 and not faults.injected
    assert_delivered_once(parks, tap)


def test_sns_publish_failing_for_the_whole_burst(api: Any, stack: Any) -> None:
    """Neither topic messages nor SMS go out: the alarms are committed (no retry of the readings), their events
    stay in the outbox, and the sweep delivers each once the fault clears."""
    with Faults() as faults:
        parks, tap, rounds = run_burst(api, stack, faults, lambda f: f.fail("sns", "Publish", "InternalError"))
    assert faults.injected["sns.Publish"] >= 1 and rounds == 0
    assert_delivered_once(parks, tap)


def test_sns_publish_failing_intermittently(api: Any, stack: Any) -> None:
    """Every other publish fails, topic messages and SMS alike: an event whose topic message went out but whose
    SMS failed is re-sent by the sweep without a second topic message."""
    with Faults() as faults:

        def arm(f: Faults) -> None:
            f.fail("sns", "Publish", "Throttling", rate=0.5)

        parks, tap, _ = run_burst(api, stack, faults, arm, persist=4)
    assert faults.injected["sns.Publish"] >= 2
    assert_delivered_once(parks, tap)


def test_sms_failing_while_topic_messages_go_out(api: Any, stack: Any) -> None:
    """Every SMS fails, topic messages do not: the sweep re-sends the SMS, never the topic message again."""
    with Faults() as faults:
        parks, tap, _ = run_burst(
            api, stack, faults, lambda f: f.fail("sns", "Publish", "InternalError", match=b"PhoneNumber"), persist=2
        )
    assert faults.injected["sns.Publish"] >= 3  # the first dispatch and both sweeps while it lasted
    assert_delivered_once(parks, tap)


@pytest.mark.parametrize("table", [alarm_store.AlarmEventModel.Meta.table_name, sms_store.SmsLogModel.Meta.table_name])
def test_outbox_bookkeeping_failing_after_a_send(api: Any, stack: Any, table: str) -> None:
    """The updates that record what went out fail (the event's outbox mark, the SMS log's message id): what
    was sent is not sent again by the sweep."""
    with Faults() as faults:
        parks, tap, _ = run_burst(
            api,
            stack,
            faults,
            lambda f: f.fail("dynamodb", "UpdateItem", "ProvisionedThroughputExceededException", match=table.encode()),
            persist=2,
        )
    assert faults.injected["dynamodb.UpdateItem"] >= 3
    assert_delivered_once(parks, tap)


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_dynamodb_throttling_every_write_of_the_burst(api: Any, stack: Any, code: str) -> None:
    """Every write is throttled: no alarm can be committed, so every message is handed back to SQS; the
    redelivery after the fault raises each alarm once."""
    with Faults() as faults:

        def arm(f: Faults) -> None:
            for op in DYNAMODB_WRITES:
                f.fail("dynamodb", op, code)

        parks, tap, rounds = run_burst(api, stack, faults, arm)
    assert faults.injected["dynamodb.TransactWriteItems"] >= 1 and rounds >= 1
    assert_delivered_once(parks, tap)


def test_dynamodb_throttling_some_writes_anywhere(api: Any, stack: Any) -> None:
    """A third of all writes fail wherever they fall (commit, outbox, SMS log, flood window, snapshots): partial
    batch failures, events left pending, SMS claims to undo; after redelivery and the sweep, exactly once."""
    with Faults() as faults:

        def arm(f: Faults) -> None:
            for op in DYNAMODB_WRITES:
                f.fail("dynamodb", op, "ProvisionedThroughputExceededException", rate=0.33)

        parks, tap, _ = run_burst(api, stack, faults, arm, persist=3)
    assert sum(faults.injected.values()) >= 3
    assert_delivered_once(parks, tap)


def test_transaction_conflicts_hand_the_messages_back(api: Any, stack: Any) -> None:
    """TransactWriteItems cancelled by conflicting transactions (not by our version checks): the tag's messages
    are batch item failures, its cached state is dropped, and the redelivery raises each alarm once."""
    parks, messages = burst(api)
    tap = TopicTap()
    with Faults() as faults:
        faults.fail("dynamodb", "TransactWriteItems", "TransactionCanceledException", times=PARKS * 2)
        failed = deliver(stack, messages)
        assert sorted(failed) == sorted(mid for mid, _ in messages)
        assert not alarms.open_alarms() or all(
            a.enterprise_id not in {p.enterprise_id for p in parks} for a in alarms.open_alarms()
        )
        redeliver(stack, messages, failed)
    sweep_outbox()
    assert faults.injected["dynamodb.TransactWriteItems"] == PARKS * 2
    assert_delivered_once(parks, tap)
    replay_changes_nothing(stack, parks, tap, messages)


def test_step_functions_start_failing(api: Any, stack: Any) -> None:
    """StartExecution fails while the alarms' topic messages start their verifications: the warnings are stored
    but not started; Lambda's retry of the asynchronous invocation starts each workflow once."""
    with Faults() as faults:
        parks, tap, _ = run_burst(api, stack, faults, lambda f: f.fail("sfn", "StartExecution", "ThrottlingException"))
    assert faults.injected["sfn.StartExecution"] >= PARKS
    assert_delivered_once(parks, tap)


def test_everything_failing_at_once_then_clearing(api: Any, stack: Any) -> None:
    """SNS, DynamoDB writes, StartExecution and S3 puts all fail part of the time during the burst."""
    with Faults() as faults:

        def arm(f: Faults) -> None:
            f.fail("sns", "Publish", "InternalError", rate=0.3)
            f.fail("sfn", "StartExecution", "ServiceUnavailable", rate=0.5)
            f.fail("s3", "PutObject", "SlowDown", rate=0.5)
            for op in DYNAMODB_WRITES:
                f.fail("dynamodb", op, "ThrottlingException", rate=0.2)

        parks, tap, _ = run_burst(api, stack, faults, arm, persist=3)
    assert len(faults.injected) >= 2
    assert_delivered_once(parks, tap)


def test_s3_put_failing_loses_nothing_of_the_raw_archive(
    api: Any, stack: Any, mqtt_broker: Any, device_pki: Any
) -> None:
    """The archive (the Firehose stand-in of the embedded stack) keeps what it could not put and puts it with
    the next flush, as Firehose retries delivery: every message a gateway published ends in S3 once."""
    park = make_park(api)
    rules = [{**r, "actions": [a for a in r["actions"] if "firehose" in a]} for r in stack.rules]
    rules = [r for r in rules if r["actions"]]
    bucket = rules[0]["actions"][0]["firehose"]["deliveryStreamName"]

    def archived() -> Counter[int]:
        s3, seqs = aws.client("s3"), Counter[int]()
        for obj in s3.list_objects_v2(Bucket=bucket, Prefix=f"enterprise_id={park.enterprise_id}/").get("Contents", []):
            for line in s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().splitlines():
                seqs[json.loads(line)["seq"]] += 1
        return seqs

    with Faults() as faults, mqtt_bridge(rules, mqtt_broker, flush_s=0.2) as (port, bridge):
        faults.fail("s3", "PutObject", "SlowDown")
        gateway = MqttClient(port, park.gateway, device_pki.gateway(park.gateway, park.enterprise_id))
        try:
            assert gateway.connect()
            for seq in range(1, 11):
                reading = {"tag_id": park.tag, "ts": now(), "value": 0.1, "quality": "good"}
                body = {"gateway_id": park.gateway, "seq": seq, "readings": [reading]}
                gateway.publish(f"park/{park.enterprise_id}/telemetry", json.dumps(body))
            wait_for(
                "archive puts to fail", lambda: faults.injected["s3.PutObject"] >= 2 and bridge.stats["received"] == 10
            )
            assert archived() == Counter()
            faults.clear()
            wait_for("the archive to catch up", lambda: sum(archived().values()) >= 10)
        finally:
            gateway.close()
    assert archived() == Counter(range(1, 11))
