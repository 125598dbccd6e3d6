"""Test helpers: a small park, telemetry batches, what SNS published (SMS and topic messages), one way to wait
for asynchronous work, and a real MQTT broker (TLS, client certificates of a test CA) with the rule bridge in
front of the moto stack."""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.core import aws, catalog, clock

_n = itertools.count()


@dataclass
class Park:
    enterprise_id: str
    installation_id: str
    tag: str  # chlorine detector, H 1 ppm / HH 2 ppm (explicit limits)
    temp_tag: str  # temperature, H 60 / HH 80
    manager_phone: str
    gateway: str  # the registered gateway both tags report through (`gw-<enterprise>`)


def make_park(api: Any, trend: bool = False, on_delay_s: int = 0) -> Park:
    i = next(_n)
    phone = f"1390000{i:04d}"
    eid = api.post(
        "/enterprises",
        role="park_admin",
        json={
            "name": f"测试化工{i}",
            "location": {"lat": 31.95, "lon": 120.9},
            "managers": [{"name": "企业安全员", "phone": phone, "min_priority": "medium"}],
        },
    ).json["id"]
    inst = api.post(
        "/installations",
        role="park_admin",
        json={
            "enterprise_id": eid,
            "name": "液氯储罐区",
            "unit_type": "storage",
            "exposed_people": 60,
            "location": {"lat": 31.951, "lon": 120.905},
            "inventory": [{"chemical": "氯", "quantity_t": 20}],
        },
    ).json["id"]
    gateway = gateway_of(eid)
    r = api.post("/gateways", role="park_admin", json={"id": gateway, "enterprise_id": eid, "name": "数据采集网关"})
    assert r.status_code == 201, r.json
    tag = f"{eid}-AT-1"
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "id": tag,
            "enterprise_id": eid,
            "installation_id": inst,
            "gateway_id": gateway,
            "name": "氯气探测器",
            "kind": "toxic",
            "unit": "ppm",
            "gas": "氯",
            "location": {"lat": 31.9512, "lon": 120.9052},
            "limits": {"h": 1.0, "hh": 2.0},
            "trend": trend,
            "on_delay_s": on_delay_s,
            "priority": "high",
        },
    )
    assert r.status_code == 201, r.json
    temp = f"{eid}-TI-1"
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "id": temp,
            "enterprise_id": eid,
            "installation_id": inst,
            "gateway_id": gateway,
            "name": "储罐温度",
            "kind": "temperature",
            "unit": "℃",
            "location": {"lat": 31.9512, "lon": 120.9052},
            "limits": {"h": 60, "hh": 80},
            "deadband": 2,
            "trend": trend,
        },
    )
    assert r.status_code == 201, r.json
    return Park(eid, inst, tag, temp, phone, gateway)


def gateway_of(enterprise_id: str) -> str:
    """The gateway make_park registers for an enterprise (what `message` sends as by default)."""
    return f"gw-{enterprise_id}"


def message(
    enterprise_id: str,
    readings: list[tuple[str, int, Any]] | list[dict[str, Any]],
    gateway: str | None = None,
    seq: int = 1,
) -> bytes:
    """What the telemetry rule delivers for a gateway's message (by default the enterprise's make_park gateway)."""
    items = [
        r if isinstance(r, dict) else {"tag_id": r[0], "ts": r[1], "value": r[2], "quality": "good"} for r in readings
    ]
    gateway = gateway_of(enterprise_id) if gateway is None else gateway
    # what the telemetry_ingest rule hands the queue: the payload plus the topic's enterprise
    return json.dumps(
        {"gateway_id": gateway, "seq": seq, "readings": items, "_topic_enterprise": enterprise_id}
    ).encode()


def batch(*bodies: bytes) -> list[tuple[str, bytes]]:
    return [(f"m-{next(_n)}", b) for b in bodies]


def now() -> int:
    return clock.now_ms()


class TopicTap:
    """An SQS queue subscribed (raw) to a topic: what a subscriber would receive, with attributes."""

    def __init__(self, logical: str = "alarm-events", filter_policy: dict[str, Any] | None = None) -> None:
        sqs, sns = aws.client("sqs"), aws.client("sns")
        self.url = sqs.create_queue(QueueName=f"tap-{logical}-{next(_n)}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attrs = {"RawMessageDelivery": "true"}
        if filter_policy:
            attrs["FilterPolicy"] = json.dumps(filter_policy)
        sns.subscribe(TopicArn=catalog.topic_arn(logical), Protocol="sqs", Endpoint=arn, Attributes=attrs)

    def messages(self) -> list[dict[str, Any]]:
        sqs, out = aws.client("sqs"), []
        while True:
            got = sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
                "Messages", []
            )
            if not got:
                return out
            for m in got:
                out.append(
                    {
                        "body": json.loads(m["Body"]),
                        "attributes": {k: v["StringValue"] for k, v in (m.get("MessageAttributes") or {}).items()},
                    }
                )
                sqs.delete_message(QueueUrl=self.url, ReceiptHandle=m["ReceiptHandle"])


def sms_to(phone: str) -> list[str]:
    """Texts moto's SNS sent to a number (+86 prefixed by the adapter)."""
    from local import moto_patches

    return [text for number, text in moto_patches.sms_messages() if number.endswith(phone)]


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 30, every: float = 0.1) -> Any:
    """Poll `probe` until it returns something truthy (returned); fail naming `what` after `timeout` seconds.

    For work that finishes in moto's threads (workflows, the rule bridge, pollers): a deadline, never a sleep."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def start_broker(pki: Any) -> Any:
    """The tests' MQTT broker (IoT Core's stand-in): TLS with client certificates of `pki` on a free loopback
    port; `.port`, `.pki`, `.stop()`.

    The one place tests start a broker (the `mqtt_broker` fixture shares it per test process)."""
    from local.broker import BrokerThread
    from local.env import free_port

    broker = BrokerThread(pki, port=free_port())
    broker.start()
    broker.wait_ready()
    return broker


@contextlib.contextmanager
def mqtt_bridge(rules: list[dict[str, Any]], broker: Any, flush_s: float = 2.0) -> Iterator[tuple[int, Any]]:
    """The rule bridge subscribed to `broker` with its own identity, for one test (a second bridge would deliver
    twice): (port, bridge)."""
    from local.bridge import RuleBridge

    bridge = RuleBridge(rules, broker.pki.service("rule-bridge"), port=broker.port, flush_s=flush_s)
    bridge.start()
    try:
        yield broker.port, bridge
    finally:
        bridge.stop()


class MqttClient:
    """A paho client over TLS with a certificate (or none): what it was told at CONNACK, what it received."""

    def __init__(
        self, port: int, client_id: str, creds: Any = None, ca: Any = None, clean_session: bool = True
    ) -> None:
        import threading

        import paho.mqtt.client as mqtt

        self.connected = threading.Event()
        self.closed = threading.Event()
        self.reason: Any = None
        self.received: list[tuple[str, bytes]] = []
        self.granted: dict[int, list[Any]] = {}
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311, clean_session=clean_session
        )
        if creds is not None:
            self.client.tls_set(ca_certs=str(creds.ca), certfile=str(creds.cert), keyfile=str(creds.key))
        else:
            self.client.tls_set(ca_certs=str(ca))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = lambda c, u, m: self.received.append((m.topic, bytes(m.payload)))
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.granted.__setitem__(mid, list(codes))
        self.port = port

    def _on_connect(self, c: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self.reason = reason
        if not reason.is_failure:
            self.connected.set()
        else:
            self.closed.set()
            c.disconnect()  # refused: no reconnecting (its wait held close() up to a second)

    def _on_disconnect(self, c: Any, *_: Any) -> None:
        """Dropped (refused after the TLS handshake, or its session taken over): it stays so, as a test expects;
        paho's reconnecting would also hold close() up to a second."""
        self.closed.set()
        c.disconnect()

    def connect(self, timeout_s: float = 5.0) -> bool:
        """True when the broker accepted the session; False when it refused or dropped the connection."""
        try:
            self.client.connect("127.0.0.1", self.port)
        except OSError:  # TLS handshake refused (TLS 1.2), or reset
            return False
        self.client.loop_start()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self.connected.is_set() and not self.closed.is_set():
            time.sleep(0.02)
        return self.connected.is_set() and not self.closed.is_set()

    def subscribe(self, topic_filter: str) -> list[Any]:
        """The SUBACK's reason codes (a refused filter is a failure code)."""
        _, mid = self.client.subscribe(topic_filter, qos=1)
        assert mid is not None, "not connected"
        deadline = time.monotonic() + 5
        while mid not in self.granted and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.granted[mid]

    def publish(self, topic: str, payload: bytes | str) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def close(self) -> None:
        # DISCONNECT first: it ends the network loop at once, where loop_stop alone waits out its 1 s select
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()


def ms_of(text: str) -> int:
    """An API time (ISO-8601, ADR 0007) as the epoch ms the store and the test clocks use."""
    from datetime import datetime

    return round(datetime.fromisoformat(text).timestamp() * 1000)


def quarantine_days_read(monkeypatch: Any) -> list[str]:
    """The days the park-wide quarantine reader queries from now on (one query of its by-day index each)."""
    from chalicelib.telemetry import store

    days: list[str] = []
    original = store.QuarantineModel.by_day.query

    def counted(day: str, *args: Any, **kwargs: Any) -> Any:
        days.append(day)
        return original(day, *args, **kwargs)

    monkeypatch.setattr(store.QuarantineModel.by_day, "query", counted)
    return days
