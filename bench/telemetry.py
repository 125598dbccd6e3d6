"""Telemetry benchmarks (bench/results/telemetry.json).

* cpu_ratio_vs_orjson: decode + validate + evaluate of a 1,000-reading message, vs `orjson.loads` of the
  same bytes (the floor), in-process, same run.
* steady normal telemetry through the real ingest service over moto, with time simulated: DynamoDB
  writes and alarms per million readings, and dollars per million readings (100-reading messages).
* alarm_latency_ms: MQTT publish -> SNS delivery in the embedded stack over >= 200 alarms.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import orjson

from bench.common import median, percentile, write

TAGS = 1000


def _value(i: int, step: int, rng: random.Random) -> float:
    """Normal process behaviour: a slow oscillation around the operating point plus sensor noise."""
    return round(30.0 + 3.0 * math.sin(step / 60 + i) + rng.gauss(0, 0.05), 3)


def _message(tags: list[str], ts: int, rng: random.Random, step: int = 0, gateway: str = "gw-1") -> bytes:
    readings = [{"tag_id": t, "ts": ts, "value": _value(i, step, rng), "quality": "good"} for i, t in enumerate(tags)]
    return orjson.dumps({"gateway_id": gateway, "seq": ts, "readings": readings, "_topic_enterprise": "ent_bench"})


def cpu_ratio(reps: int = 400) -> dict[str, Any]:
    """Floor vs the evaluator's whole hot path on warm per-tag state (as in a warm Lambda container)."""
    from chalicelib.telemetry import domain

    rng = random.Random(1)
    tags = [f"B-TI-{i:04d}" for i in range(TAGS)]
    tracked = {
        t: (
            domain.TagConfig(t, "ent_bench", hh=90.0, h=80.0, l=5.0, ll=2.0, deadband=1.0, roc_per_min=50.0),
            domain.TagState(t),
        )
        for t in tags
    }
    base = int(time.time() * 1000) - 7 * 86400_000 + 3600_000
    period_ms = 5000  # a gateway uploads all its tags every 5 s
    messages = [_message(tags, base + i * period_ms, rng, i) for i in range(reps + 20)]
    now = base + (reps + 30) * period_ms

    def full(body: bytes) -> None:
        batch = domain.decode_batch([("m", body)], now, 7 * 86400_000)
        domain.evaluate_batch(batch.by_tag, tracked)

    for body in messages[:20]:  # warm the trend regressions
        full(body)
    floor, total = [], []
    for body in messages[20:]:
        t0 = time.perf_counter()
        orjson.loads(body)
        t1 = time.perf_counter()
        full(body)
        t2 = time.perf_counter()
        floor.append((t1 - t0) * 1e6)
        total.append((t2 - t1) * 1e6)
    return {
        "orjson_loads_us": median(floor),
        "decode_validate_evaluate_us": median(total),
        "cpu_ratio_vs_orjson": round(median(total) / median(floor), 3),
        "message_bytes": len(messages[0]),
        "cpu_readings_per_message": TAGS,
        "target": 3,
    }


class _Meter:
    """Counts DynamoDB requests and capacity units at PynamoDB's single call site."""

    def __init__(self) -> None:
        self.ops: Counter[str] = Counter()
        self.wru = 0.0
        self.rru = 0.0
        self.writes = 0

    @staticmethod
    def _kb(item: dict[str, Any]) -> float:
        return len(json.dumps(item, separators=(",", ":"))) / 1024

    def record(self, op: str, kw: dict[str, Any]) -> None:
        self.ops[op] += 1
        if op in ("PutItem", "UpdateItem", "DeleteItem"):
            self.writes += 1  # an update is billed on the item's size: estimated from key + new values
            size = self._kb(kw.get("Item") or {}) + self._kb(kw.get("Key") or {})
            size += self._kb(kw.get("ExpressionAttributeValues") or {})
            self.wru += max(1, math.ceil(size))
        elif op == "TransactWriteItems":
            for entry in kw.get("TransactItems", []):
                body = next(iter(entry.values()))
                self.writes += 1
                self.wru += 2 * max(1, math.ceil(self._kb(body.get("Item") or body.get("Key") or {})))
        elif op == "BatchWriteItem":
            for items in kw.get("RequestItems", {}).values():
                for entry in items:
                    self.writes += 1
                    self.wru += max(1, math.ceil(self._kb(next(iter(entry.values())).get("Item", {}))))
        elif op == "BatchGetItem":
            self.rru += sum(0.5 * len(v.get("Keys", [])) for v in kw.get("RequestItems", {}).values())
        elif op in ("GetItem", "Query", "Scan"):
            self.rru += 1

    def install(self) -> None:
        from pynamodb.connection import base

        original = base.Connection._make_api_call
        meter = self

        def counted(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            meter.record(operation_name, operation_kwargs)
            return original(self, operation_name, operation_kwargs)

        base.Connection._make_api_call = counted  # type: ignore[method-assign]


def steady_state(
    gateways: int = 6, tags_per_gateway: int = 100, minutes: int = 60, period_s: int = 10, batch_messages: int = 6
) -> dict[str, Any]:
    """Normal telemetry for `minutes` of simulated time through telemetry.service.ingest over moto."""
    from local import env

    env.configure(stage="bench", prefix="chempark-bench")
    server, _ = env.start_moto()
    try:
        from local.provision import provision

        provision()
        from chalicelib.core import clock
        from chalicelib.core.identity import SYSTEM
        from chalicelib.core.schemas import Location
        from chalicelib.registry import schemas, service
        from chalicelib.telemetry import service as telemetry

        ent = service.create(
            service.ENTERPRISE,
            schemas.EnterpriseIn(name="基准测试企业", location=Location(lat=31.9, lon=120.9)),
            SYSTEM,
        )["id"]
        tags: dict[str, list[str]] = {}
        for g in range(gateways):
            gw = f"gw-bench-{g}"
            tags[gw] = []
            # a registered gateway of the enterprise: ingest quarantines messages of any other
            service.create(service.GATEWAY, schemas.GatewayIn(id=gw, enterprise_id=ent, name="网关"), SYSTEM)
            for i in range(tags_per_gateway):
                doc = service.create(
                    service.SENSOR,
                    schemas.SensorIn(
                        id=f"BENCH-{g}-{i:03d}",
                        enterprise_id=ent,
                        name="温度",
                        kind=schemas.SensorKind.TEMPERATURE,
                        unit="℃",
                        location=Location(lat=31.9, lon=120.9),
                        limits=schemas.Limits(h=80, hh=90, l=5, ll=2),
                        deadband=1,
                        trend=True,
                    ),
                    SYSTEM,
                )
                tags[gw].append(doc["id"])
        meter = _Meter()
        meter.install()
        rng = random.Random(3)
        fake = clock.FrozenClock(int(time.time() * 1000))
        readings = messages = invocations = alarm_events = 0
        cpu_s = 0.0
        pending: list[tuple[str, bytes]] = []
        message_bytes: list[int] = []
        with clock.use(fake):
            for step in range(minutes * 60 // period_s):
                for gw, gw_tags in tags.items():
                    body = json.dumps(
                        {
                            "gateway_id": gw,
                            "seq": step,
                            "_topic_enterprise": ent,
                            "readings": [
                                {"tag_id": t, "ts": fake.now_ms(), "value": _value(i, step, rng), "quality": "good"}
                                for i, t in enumerate(gw_tags)
                            ],
                        }
                    ).encode()
                    message_bytes.append(len(body))
                    pending.append((f"m{step}-{gw}", body))
                    messages += 1
                    readings += len(gw_tags)
                    if len(pending) >= batch_messages:
                        started = time.process_time()
                        result = telemetry.ingest(pending)
                        cpu_s += time.process_time() - started
                        invocations += 1
                        alarm_events += result.alarm_events
                        pending = []
                fake.advance(period_s)
        from bench.costs import per_million

        cost = per_million(
            readings,
            messages,
            sum(message_bytes) / len(message_bytes),
            rule_actions=2,
            invocations=invocations,
            sqs_receive_delete=2 * invocations,
            lambda_s=cpu_s,
            lambda_gb=0.5,
            wru=meter.wru,
            rru=meter.rru,
            sns_publishes=alarm_events,
        )
        per_m = 1e6 / readings
        return {
            "readings": readings,
            "messages": messages,
            "readings_per_message": tags_per_gateway,
            "simulated_minutes": minutes,
            "ingest_invocations": invocations,
            "ddb_writes_per_million_readings": round(meter.writes * per_m, 1),
            "ddb_wru_per_million_readings": round(meter.wru * per_m, 1),
            "ddb_rru_per_million_readings": round(meter.rru * per_m, 1),
            "ddb_operations": dict(meter.ops),
            "alarms_per_million_readings": round(alarm_events * per_m, 2),
            "ingest_cpu_ms_per_invocation": round(cpu_s * 1000 / invocations, 2),
            **cost,
            "targets": {"ddb_writes_per_million_readings": 1000, "usd_per_million_readings": 0.05},
        }
    finally:
        server.stop()


def _gateway_clients(stack: Any, gateways: set[str]) -> dict[str, Any]:
    """One MQTT-over-TLS client per gateway with its own certificate (client id = gateway id), as in the field."""
    import paho.mqtt.client as mqtt

    from local.pki import credentials

    clients: dict[str, Any] = {}
    for gw in sorted(gateways):
        creds = credentials(stack.pki.root, gw)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=gw, protocol=mqtt.MQTTv311)
        client.tls_set(ca_certs=str(creds.ca), certfile=str(creds.cert), keyfile=str(creds.key))
        client.connect("127.0.0.1", stack.mqtt_port)
        client.loop_start()
        clients[gw] = client
    return clients


def alarm_latency(alarms: int = 200, pace_s: float = 0.4) -> dict[str, Any]:
    """MQTT publish (TLS, the gateways' certificates) -> message in a subscriber queue of the alarm-events
    topic, through the whole stack."""
    from local import stack as embedded
    from local.env import free_port

    os.environ["CHEMPARK_FLOOD_THRESHOLD"] = "100000"  # every alarm also texts: measure the full dispatch path
    s = embedded.start(api_port=free_port(), mqtt_port=free_port(), simulate=False)
    try:
        from chalicelib.core import aws, catalog

        sqs, sns = aws.client("sqs"), aws.client("sns")
        url = sqs.create_queue(QueueName="bench-tap")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(
            TopicArn=catalog.topic_arn("alarm-events"),
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        candidates = [
            (gw, sensor)
            for gw, sensors in s.seeded.gateways.items()
            for sensor in sensors
            if (sensor.get("limits") or {}).get("h") is not None and sensor["kind"] in ("pressure", "temperature")
        ]
        clients = _gateway_clients(s, {gw for gw, _ in candidates})
        sent: dict[tuple[str, float], float] = {}
        ts = int(time.time() * 1000)
        for i in range(alarms * 2):  # alternate high and normal: every other reading (re)activates an alarm
            gw, sensor = candidates[(i // 2) % len(candidates)]
            high = i % 2 == 0
            value = round(sensor["limits"]["h"] * (1.2 if high else 0.5) + i * 1e-4, 4)
            ts += 1
            body = json.dumps(
                {
                    "gateway_id": gw,
                    "seq": i,
                    "readings": [{"tag_id": sensor["id"], "ts": ts, "value": value, "quality": "good"}],
                }
            )
            if high:
                sent[(sensor["id"], value)] = time.time() * 1000
            topic = f"park/{s.seeded.gateway_enterprise[gw]}/telemetry"
            clients[gw].publish(topic, body, qos=1).wait_for_publish(10)
            time.sleep(pace_s)  # a sustainable alarm rate: the figure is the path's latency, not a backlog
        latencies: list[float] = []
        deadline = time.time() + 120
        while len(latencies) < alarms and time.time() < deadline:
            for m in sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["SentTimestamp"]
            ).get("Messages", []):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                event = json.loads(m["Body"])
                if event.get("type") not in ("raised", "reactivated"):
                    continue
                key = (event["alarm"]["tag_id"], round(event["details"]["value"], 4))
                if key in sent:
                    latencies.append(int(m["Attributes"]["SentTimestamp"]) - sent.pop(key))
        for client in clients.values():
            client.disconnect()  # first: the loop ends at once instead of after its 1 s select
            client.loop_stop()
        ingest = catalog.queue("telemetry").name
        (source,) = [q for q in s.provisioned.sqs_sources if q.queue_url.rstrip("/").endswith("/" + ingest)]
        return {
            "alarm_latency_ms": {
                "p50": percentile(latencies, 50),
                "p95": percentile(latencies, 95),
                "max": percentile(latencies, 100),
            },
            "alarms_measured": len(latencies),
            "batching_window_s": source.window_s,
            "note": "includes the ingest queue's batching window (Lambda event source setting)",
        }
    finally:
        os.environ.pop("CHEMPARK_FLOOD_THRESHOLD", None)
        s.stop()


PARTS: dict[str, Callable[[], dict[str, Any]]] = {"cpu": cpu_ratio, "steady": steady_state, "latency": alarm_latency}


def run() -> dict[str, Any]:
    """Each part in a fresh interpreter: each starts its own moto, and models bind their table at import."""
    import subprocess
    import sys

    from bench.common import ROOT

    figures: dict[str, Any] = {}
    for part in PARTS:
        out = subprocess.run(
            [sys.executable, "-m", "bench.telemetry", part], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        figures.update(json.loads(out.strip().splitlines()[-1]))
    write("telemetry", figures)
    return figures


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):  # the Lambdas' EMF lines are not the result
            result = PARTS[sys.argv[1]]()
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(run(), indent=2, ensure_ascii=False))
