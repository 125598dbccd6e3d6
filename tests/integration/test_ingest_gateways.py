"""Ingest checks who sent a message (docs/device-identity.md): its gateway must be registered for the topic's
enterprise, or the whole message is quarantined and nothing of it evaluated; a payload that carries the rule's
reserved key is quarantined too. Once per message from the container's cache, and end to end over MQTT."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.exceptions import DoesNotExist

from chalicelib.telemetry import caches, store
from chalicelib.telemetry import service as telemetry
from tests.support import MqttClient, batch, make_park, message, mqtt_bridge, now


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    caches.reset_caches()
    yield
    caches.reset_caches()


def _quarantined(api: Any, enterprise_id: str) -> list[dict[str, Any]]:
    return api.get(f"/telemetry/quarantine?enterprise_id={enterprise_id}", role="park_admin").json["items"]


def _conditions(api: Any, tag: str) -> set[str]:
    return {a["condition"] for a in api.get(f"/alarms?tag_id={tag}", role="park_admin").json["items"]}


def test_a_message_from_another_enterprises_gateway_is_quarantined_whole(api: Any) -> None:
    a, b = make_park(api), make_park(api)
    t = now()
    forged = message(a.enterprise_id, [(a.tag, t, 3.0), (a.temp_tag, t, 95.0)], gateway=b.gateway)
    good = message(b.enterprise_id, [(b.tag, t, 3.0)])
    result = telemetry.ingest(batch(forged, good))
    assert result.retry == []
    assert (result.sent, result.evaluated, result.quarantined) == (3, 1, 2)
    assert _conditions(api, a.tag) == set() and _conditions(api, a.temp_tag) == set()  # nothing evaluated
    assert _conditions(api, b.tag) == {"H", "HH"}  # the rest of the batch still alarms
    (row,) = _quarantined(api, a.enterprise_id)
    assert row["reasons"] == {"foreign_gateway": 2} and row["gateway_id"] == b.gateway


def test_a_message_from_an_unknown_gateway_is_quarantined_and_leaves_no_snapshot(api: Any) -> None:
    park = make_park(api)
    t = now()
    result = telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t, 3.0)], gateway="gw-nobody")))
    assert (result.evaluated, result.quarantined) == (0, 1)
    assert _conditions(api, park.tag) == set()
    (row,) = _quarantined(api, park.enterprise_id)
    assert row["reasons"] == {"unknown_gateway": 1} and row["samples"][0]["raw"].startswith("{")
    with pytest.raises(DoesNotExist):  # a made-up gateway id costs no gateway-snapshot row
        store.GatewaySnapshotModel.get("gw-nobody")
    assert "gw-nobody" not in caches.CONTAINER.gateways


def test_the_gateway_check_is_one_cached_lookup_per_gateway_not_per_reading(api: Any, monkeypatch: Any) -> None:
    park = make_park(api)
    asked: list[list[str]] = []
    real = caches.registry.gateway_enterprises

    def counting(ids: list[str]) -> dict[str, str]:
        asked.append(sorted(ids))
        return real(ids)

    monkeypatch.setattr(caches.registry, "gateway_enterprises", counting)
    t = now()
    readings = [(park.temp_tag, t - i, 20.0) for i in range(50)]
    for _ in range(3):
        telemetry.ingest(batch(*[message(park.enterprise_id, readings, seq=s) for s in range(5)]))
    assert asked == [[park.gateway]]


def test_a_gateway_registered_later_is_admitted_once_the_registry_moves(api: Any) -> None:
    park = make_park(api)
    t = now()
    late = f"gw-late-{park.enterprise_id}"
    first = telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, t, 20.0)], gateway=late)))
    assert first.quarantined == 1
    body = {"id": late, "enterprise_id": park.enterprise_id, "name": "新网关"}
    created = api.post("/gateways", role="park_admin", json=body)
    assert created.status_code == 201, created.json
    caches.CONTAINER.generation_checked = 0  # the generation is checked every tag_config_ttl_s
    later = telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, t + 1, 20.0)], gateway=late)))
    assert (later.evaluated, later.quarantined) == (1, 0)


@pytest.mark.slow
def test_over_mqtt_a_forged_gateway_id_and_a_reserved_key_are_quarantined(
    api: Any, stack: Any, mqtt_broker: Any, device_pki: Any
) -> None:
    """A gateway with its own certificate publishes on its own topic (the broker lets it): one good message, one
    naming another enterprise's gateway, one carrying the rule's `_topic_enterprise`. Through the rule bridge,
    SQS and the ingest Lambda, only the good one is evaluated."""
    from local.poller import SqsPoller

    a, b = make_park(api), make_park(api)
    t = now()
    bodies = {
        "good": {"gateway_id": a.gateway, "seq": 1, "readings": [{"tag_id": a.tag, "ts": t, "value": 3.0}]},
        "foreign": {"gateway_id": b.gateway, "seq": 2, "readings": [{"tag_id": a.temp_tag, "ts": t, "value": 95.0}]},
        "reserved": {
            "gateway_id": a.gateway,
            "seq": 3,
            "_topic_enterprise": b.enterprise_id,
            "readings": [{"tag_id": a.temp_tag, "ts": t + 1, "value": 96.0}],
        },
    }
    with mqtt_bridge(stack.rules, mqtt_broker, flush_s=60) as (port, _):
        source = next(s for s in stack.sqs_sources if s.function == stack.functions["ingest_telemetry"])
        poller = SqsPoller(source, "us-east-1")
        poller.start()
        gateway = MqttClient(port, a.gateway, device_pki.gateway(a.gateway, a.enterprise_id))
        try:
            assert gateway.connect()
            for body in bodies.values():
                gateway.publish(f"park/{a.enterprise_id}/telemetry", json.dumps(body))
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not (
                _conditions(api, a.tag) and len(_quarantined(api, a.enterprise_id)) >= 2
            ):
                time.sleep(0.3)
        finally:
            gateway.close()
            poller.stop()
    assert _conditions(api, a.tag) == {"H", "HH"}
    assert _conditions(api, a.temp_tag) == set()
    reasons = sorted(next(iter(r["reasons"])) for r in _quarantined(api, a.enterprise_id))
    assert reasons == ["foreign_gateway", "reserved_key"]
    assert _quarantined(api, b.enterprise_id) == []  # the payload's claim did not move anything to B
