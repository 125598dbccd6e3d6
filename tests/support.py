"""Test helpers: a small park, telemetry batches, what SNS published (SMS and topic messages), and a real MQTT
broker with the rule bridge in front of the moto stack."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator
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
    tag = f"{eid}-AT-1"
    r = api.post(
        "/sensors",
        role="park_admin",
        json={
            "id": tag,
            "enterprise_id": eid,
            "installation_id": inst,
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
    return Park(eid, inst, tag, temp, phone)


def message(
    enterprise_id: str, readings: list[tuple[str, int, Any]] | list[dict[str, Any]], gateway: str = "gw-1", seq: int = 1
) -> bytes:
    items = [
        r if isinstance(r, dict) else {"tag_id": r[0], "ts": r[1], "value": r[2], "quality": "good"} for r in readings
    ]
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
    from moto.sns.models import sns_backends

    backend = sns_backends["123456789012"]["us-east-1"]
    return [text for number, text in backend.sms_messages.values() if number.endswith(phone)]


@contextlib.contextmanager
def mqtt_bridge(rules: list[dict[str, Any]], flush_s: float = 2.0) -> Iterator[tuple[int, Any]]:
    """An amqtt broker on a free port and the rule bridge subscribed to it: (port, bridge)."""
    from local.bridge import RuleBridge
    from local.broker import BrokerThread
    from local.env import free_port

    port = free_port()
    broker = BrokerThread(port=port)
    broker.start()
    broker.wait_ready()
    try:
        bridge = RuleBridge(rules, port=port, flush_s=flush_s)
        bridge.start()
        try:
            yield port, bridge
        finally:
            bridge.stop()
    finally:
        broker.stop()
