"""Soak (`make soak`, not in `make test`): the embedded stack and its simulator for 10 minutes at >= 20 messages/s,
10 % of messages sent twice and 5 % malformed, with a chlorine leak ramping through H and HH on one tag; then
every message and reading is accounted for from the system's own records (bench/results/soak.json).

* sent: what the simulator published over MQTT/TLS (its own counts, duplicates and malformed included);
* archived: the raw archive (the Firehose stand-in's objects in S3): every copy, and which (gateway, seq) arrived;
* ingested: the ingest Lambda's structured log lines ("telemetry batch": readings, evaluated, quarantined, set
  aside, retries) and the SQS poller's deletes, the telemetry queue and its DLQ left at the end;
* quarantined: the quarantine table's rows received during the soak (refused readings by reason);
* evaluated: the gateway snapshots' reading counters (table plus the container's unflushed part);
* alarms: the leak tag's alarms and their events, and the SMS log (one text per raised alarm and recipient).

`lost` is every reading or message sent that none of these records accounts for; it must be 0. The floor, as in
the other benches, is measured in the same run: `orjson.loads` of a simulator message (before and after the soak,
so a loaded machine shows), against the ingest Lambda's mean time per message.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from typing import Any

import orjson

from bench.common import median, write

TARGET_RATE = 20.0  # messages/s (issue 10, item 11)


def _floor_us(sample: bytes, reps: int = 2000) -> float:
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            orjson.loads(sample)
        runs.append((time.perf_counter() - t) / reps * 1e6)
    return median(runs)


def _leak(sim: Any, seeded: Any, duration_s: float) -> dict[str, Any]:
    """Ramp the leak tag from 0 so that it crosses H at about a third of the soak and HH before two thirds."""
    from local.simulator import Leak

    sensor = next(s for sensors in seeded.gateways.values() for s in sensors if s["id"] == seeded.leak_tag)
    hh = float(sensor["limits"]["hh"])
    rate = hh * 1.5 / (duration_s * 0.8)  # reaches 1.5 x HH at 80 % of the soak, then stays there
    sim.leaks[seeded.leak_tag] = Leak(seeded.leak_tag, time.time(), 0.0, rate, peak=hh * 1.5)
    return {"tag": seeded.leak_tag, "limits": sensor["limits"], "rate_per_s": round(rate, 6)}


def _drain(stack: Any, sim: Any, timeout_s: float = 120.0) -> float:
    """Wait until the bridge has forwarded everything the simulator sent and the telemetry queue is empty."""
    from chalicelib.core import aws, catalog

    sqs, url = aws.client("sqs"), catalog.queue_url("telemetry")
    started = time.monotonic()
    deadline = started + timeout_s
    while time.monotonic() < deadline:
        attrs = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        if int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 0:
            bridge = _part(stack, "rule bridge")
            if bridge.stats["received"] >= sim.stats["messages"]:
                time.sleep(3)  # one more batching window and archive flush
                return round(time.monotonic() - started, 1)
        time.sleep(1)
    raise RuntimeError("the telemetry queue did not drain")


def _part(stack: Any, name: str) -> Any:
    return next(p for n, p in stack.parts if n.startswith(name))


def _archive(stack: Any, since: str) -> dict[str, Any]:
    """Every archived copy: by (gateway, seq), and the lines that were not JSON (kept base64, as IoT Core does)."""
    from chalicelib.core import aws

    s3 = aws.client("s3")
    bucket = next(
        a["firehose"]["deliveryStreamName"] for r in stack.provisioned.rules for a in r["actions"] if "firehose" in a
    )
    copies: Counter[tuple[str, int]] = Counter()
    unparsed = lines = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if obj["LastModified"].isoformat() < since:
                continue
            for line in s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().splitlines():
                doc = orjson.loads(line)
                lines += 1
                if "_unparsed" in doc:
                    unparsed += 1
                else:
                    copies[(doc.get("gateway_id"), doc.get("seq"))] += 1
    return {"lines": lines, "unparsed": unparsed, "copies": copies}


def _ingest_log(path: str, offset: int) -> dict[str, int]:
    totals: Counter[str] = Counter()
    with open(path, encoding="utf-8") as f:
        f.seek(offset)
        for line in f:
            if '"telemetry batch"' not in line:
                continue
            doc = json.loads(line)
            totals["invocations"] += 1
            for key in ("messages", "readings", "evaluated", "quarantined", "set_aside", "alarm_events", "retry"):
                totals[key] += int(doc.get(key, 0))
    return dict(totals)


def _quarantine(since_ms: int) -> dict[str, Any]:
    from chalicelib.telemetry import store

    reasons: Counter[str] = Counter()
    rows = 0
    for row in store.QuarantineModel.scan(store.QuarantineModel.received_ms >= since_ms):
        rows += 1
        reasons.update(orjson.loads(row.reasons))
    return {"rows": rows, "readings": sum(reasons.values()), "reasons": dict(reasons)}


def _snapshots(gateways: list[str]) -> dict[str, int]:
    from chalicelib.telemetry import store
    from chalicelib.telemetry.caches import CONTAINER

    out: Counter[str] = Counter()
    for snap in store.GatewaySnapshotModel.batch_get(gateways):
        out.update({"messages": int(snap.messages), "readings": int(snap.readings)})
    for gw in CONTAINER.gateways.values():  # counted since the last snapshot write, not yet flushed
        out.update({"messages": gw["messages"], "readings": gw["readings"]})
    return dict(out)


def _alarms(since_ms: int, leak_tag: str) -> dict[str, Any]:
    """Every alarm raised during the soak (the leak's and any other tag's): a duplicated message must never raise
    a second alarm for the same activation (same tag, condition and reading time), nor text anyone twice."""
    from chalicelib.alarms import store
    from chalicelib.notify import store as sms_store

    activations: Counter[tuple[str, str, int]] = Counter()
    events: Counter[str] = Counter()
    texts: Counter[tuple[str, str]] = Counter()
    leak: Counter[str] = Counter()
    for alarm in store.AlarmModel.scan(store.AlarmModel.raised_ms >= since_ms):
        activations[(alarm.tag_id, alarm.condition, int(alarm.raised_ms))] += 1
        if alarm.tag_id == leak_tag:
            leak[alarm.condition] += 1
        for e in store.AlarmEventModel.query(alarm.id):
            events[e.type] += 1
            for sms in sms_store.SmsLogModel.query(f"{alarm.id}:{int(e.seq)}"):
                texts[(sms.ref, sms.phone)] += 1
    return {
        "alarms": sum(activations.values()),
        "leak_tag_alarms_by_condition": dict(leak),
        "duplicate_alarms": sum(n - 1 for n in activations.values() if n > 1),
        "events": dict(events),
        "sms_sent": sum(texts.values()),
        "duplicate_sms": sum(n - 1 for n in texts.values() if n > 1),
    }


def run(minutes: float = 10.0, rate: float = 21.0, duplicate: float = 0.10, malformed: float = 0.05) -> dict[str, Any]:
    from local import stack as local_stack
    from local.env import free_port

    stack = local_stack.start(free_port(), free_port(), simulate=False)
    try:
        raw = _measure(stack, str(local_stack.STATE / "logs" / "lambda.log"), minutes, rate, duplicate, malformed)
    finally:
        stack.stop()
    figures = _figures(raw)
    write("soak", figures)
    return figures


def _measure(stack: Any, log: str, minutes: float, rate: float, duplicate: float, malformed: float) -> dict[str, Any]:
    """Run the simulator against the started stack, let it drain, then read every record."""
    from datetime import UTC, datetime

    from chalicelib.core import aws, catalog
    from local import moto_patches
    from local.simulator import Simulator

    seeded, offset = stack.seeded, os.path.getsize(log)
    first = next(iter(seeded.gateways.values()))
    sample = orjson.dumps(
        {"gateway_id": "gw", "seq": 1, "readings": [{"tag_id": s["id"], "ts": 1, "value": 1.0} for s in first]}
    )
    floor_before, gateways = _floor_us(sample), list(seeded.gateways)
    sim = Simulator(
        seeded,
        stack.pki,
        port=stack.mqtt_port,
        period_s=len(gateways) / rate,
        duplicate_rate=duplicate,
        malformed_rate=malformed,
    )
    since_ms, since_iso = int(time.time() * 1000) - 1000, datetime.now(UTC).isoformat(timespec="seconds")
    duration = minutes * 60
    leak = _leak(sim, seeded, duration)
    first_invocation, started = len(moto_patches.invocations), time.monotonic()
    sim.start()
    try:
        time.sleep(duration)
    finally:
        sim.stop()
    elapsed = time.monotonic() - started
    drain_s = _drain(stack, sim)
    sqs = aws.client("sqs")
    dlq_url = sqs.get_queue_url(QueueName=catalog.queue("telemetry").dlq_name)["QueueUrl"]
    dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return {
        "elapsed": elapsed,
        "drain_s": drain_s,
        "gateways": gateways,
        "sim": dict(sim.stats),
        "poller": dict(next(p for n, p in stack.parts if n.startswith("poller") and "ingest_telemetry" in n).stats),
        "bridge": dict(_part(stack, "rule bridge").stats),
        "archive": _archive(stack, since_iso),
        "ingest": _ingest_log(log, offset),
        "quarantine": _quarantine(since_ms),
        "snapshots": _snapshots(gateways),
        "dlq": int(dlq["ApproximateNumberOfMessages"]),
        "alarms": _alarms(since_ms, seeded.leak_tag),
        "leak": leak,
        "ingest_s": [t for name, t in moto_patches.invocations[first_invocation:] if name.endswith("ingest_telemetry")],
        "floor": (floor_before, _floor_us(sample)),
        "settings": {"duplicate_rate": duplicate, "malformed_rate": malformed, "gateways": len(gateways)},
    }


def _figures(raw: dict[str, Any]) -> dict[str, Any]:
    s, archive, ingest, poller = raw["sim"], raw["archive"], raw["ingest"], raw["poller"]
    elapsed, copies = raw["elapsed"], archive["copies"]
    unique_sent = s["messages"] - s.get("duplicates", 0)
    seqs = max((seq for _, seq in copies), default=0)
    missing = [(g, q) for g in raw["gateways"] for q in range(1, seqs + 1) if (g, q) not in copies]
    accounted = ingest.get("evaluated", 0) + ingest.get("quarantined", 0) + ingest.get("set_aside", 0)
    # a message is lost when the archive lacks it (a non-JSON one cannot be named by gateway and seq) or when
    # the ingest queue neither completed it nor parked it in the DLQ
    lost_messages = max(
        s["messages"] - archive["lines"] + max(0, len(missing) - s.get("malformed_json", 0)),
        s["messages"] - poller["deleted"] - raw["dlq"],
    )
    # a retried message is counted in the log once per attempt: then only the message figures are exact
    lost_readings = s["readings"] - accounted if not ingest.get("retry") else None
    per_message_ms = sum(raw["ingest_s"]) / max(1, ingest.get("messages", 1)) * 1000
    floor_before, floor_after = raw["floor"]
    return {
        "minutes": round(elapsed / 60, 2),
        "target_rate_msgs_per_s": TARGET_RATE,
        "achieved_rate_msgs_per_s": round(s["messages"] / elapsed, 2),
        "achieved_unique_rate_msgs_per_s": round(unique_sent / elapsed, 2),
        "sent": {
            "messages": s["messages"],
            "unique_messages": unique_sent,
            "duplicated_messages": s.get("duplicates", 0),
            "malformed_messages": s.get("malformed", 0),
            "malformed_not_json": s.get("malformed_json", 0),
            "malformed_one_bad_reading": s.get("malformed_readings", 0),
            "readings": s["readings"],
        },
        "bridge": {k: raw["bridge"][k] for k in ("received", "forwarded", "archived", "errors")},
        "archived": {
            "lines": archive["lines"],
            "not_json": archive["unparsed"],
            "unique_gateway_seq": len(copies),
            "duplicate_copies": sum(n - 1 for n in copies.values()),
            "gateway_seq_missing": len(missing),
        },
        "ingest": {**ingest, "sqs_deleted": poller["deleted"], "sqs_failed": poller["failed"], "dlq": raw["dlq"]},
        "evaluated": ingest.get("evaluated", 0),
        "evaluated_by_gateway_snapshots": raw["snapshots"].get("readings", 0),
        "quarantined": raw["quarantine"],
        "duplicates_dropped": sum(n - 1 for n in copies.values()),
        "duplicates_note": "every copy reaches ingest; a copy's readings are not newer than the tag's state, so "
        "they change nothing (no second alarm for one activation, no second SMS: see alarms)",
        "lost": {"messages": lost_messages, "readings": lost_readings},
        "leak": raw["leak"],
        "alarms": raw["alarms"],
        "drain_s": raw["drain_s"],
        "floor": {
            "orjson_loads_us_before": floor_before,
            "orjson_loads_us_after": floor_after,
            "ingest_ms_per_message": round(per_message_ms, 3),
            "ingest_per_message_vs_orjson_floor": round(per_message_ms * 1000 / floor_after, 1),
            "ingest_invocations": len(raw["ingest_s"]),
        },
        "settings": raw["settings"],
    }


def main() -> None:
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # EMF lines on stdout would bury the summary
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=21.0, help="messages/s before duplicates (>= 20 unique)")
    parser.add_argument("--duplicate", type=float, default=0.10)
    parser.add_argument("--malformed", type=float, default=0.05)
    args = parser.parse_args()
    figures = run(args.minutes, args.rate, args.duplicate, args.malformed)
    print(json.dumps({k: figures[k] for k in ("achieved_rate_msgs_per_s", "sent", "lost", "alarms")}, indent=2))


if __name__ == "__main__":
    main()
