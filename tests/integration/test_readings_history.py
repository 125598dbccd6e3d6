"""Readings history end to end: MQTT publish -> broker -> rule bridge (Firehose stand-in) -> S3 archive ->
GET /sensors/{id}/readings, with tenancy and window checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import MqttClient, gateway_of, make_park, mqtt_bridge, ms_of, now, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def archive(stack: Any, mqtt_broker: Any, device_pki: Any) -> Iterator[Any]:
    """The rule bridge (Firehose stand-in) behind a real broker, with a gateway of each enterprise publishing
    as a real one does (its own certificate, client id = gateway id)."""
    with mqtt_bridge(stack.rules, mqtt_broker, flush_s=0.2) as (port, bridge):
        gateways: dict[str, MqttClient] = {}

        def publish(enterprise_id: str, readings: list[dict[str, Any]], seq: int) -> None:
            gateway = gateway_of(enterprise_id)  # make_park's registered gateway
            if enterprise_id not in gateways:
                client = MqttClient(port, gateway, device_pki.gateway(gateway, enterprise_id))
                assert client.connect()
                gateways[enterprise_id] = client
            body = json.dumps({"gateway_id": gateway, "seq": seq, "readings": readings})
            gateways[enterprise_id].publish(f"park/{enterprise_id}/telemetry", body)

        bridge.publish = publish
        try:
            yield bridge
        finally:
            for client in gateways.values():
                client.close()


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def _wait_archived(bridge: Any, count: int) -> None:
    wait_for(f"{count} archived messages", lambda: bridge.stats["archived"] >= count, timeout=20)


def test_history_serves_archived_readings_in_order_once_each(api: Any, archive: Any) -> None:
    park, other = make_park(api), make_park(api)
    t = now() - 10_000
    first = [{"tag_id": park.tag, "ts": t + i * 1000, "value": 0.1 * i, "quality": "good"} for i in (2, 0, 1)]
    archive.publish(park.enterprise_id, first, 1)
    archive.publish(park.enterprise_id, first, 1)  # a gateway's retry: archived twice, served once
    bad = {"tag_id": park.tag, "ts": t + 3000, "value": None, "quality": "bad"}
    archive.publish(park.enterprise_id, [bad, {"tag_id": park.temp_tag, "ts": t, "value": 21.5}], 2)
    _wait_archived(archive, 3)

    window = f"from={_iso(t - 1000)}&to={_iso(t + 5000)}"
    reply = api.get(f"/sensors/{park.tag}/readings?{window}", role="park_admin")
    assert reply.status_code == 200, reply.json
    assert reply.json["unit"] == "ppm" and reply.json["truncated"] is False
    assert [(ms_of(p["ts"]) - t, p["value"], p["quality"]) for p in reply.json["points"]] == [
        (0, 0.0, "good"),
        (1000, 0.1, "good"),
        (2000, 0.2, "good"),
        (3000, None, "bad"),
    ]
    capped = api.get(f"/sensors/{park.tag}/readings?{window}&limit=2", role="park_admin").json
    assert [ms_of(p["ts"]) - t for p in capped["points"]] == [0, 1000] and capped["truncated"] is True

    mine = {"role": "enterprise_manager", "enterprise_id": park.enterprise_id}
    own = api.get(f"/sensors/{park.tag}/readings?{window}", **mine)
    assert own.status_code == 200 and len(own.json["points"]) == 4
    theirs = {"role": "enterprise_manager", "enterprise_id": other.enterprise_id}
    foreign = api.get(f"/sensors/{park.tag}/readings?{window}", **theirs)
    assert foreign.status_code == 404  # another enterprise's sensor does not exist for this user


def test_history_refuses_a_window_over_24_hours_a_reversed_one_or_a_missing_bound(api: Any) -> None:
    park = make_park(api)
    t = now()
    path = f"/sensors/{park.tag}/readings"
    too_long = api.get(f"{path}?from={_iso(t - 25 * 3600_000)}&to={_iso(t)}", role="park_admin")
    assert too_long.status_code == 422 and too_long.json["code"] == "WINDOW_TOO_LONG"
    reversed_ = api.get(f"{path}?from={_iso(t)}&to={_iso(t - 1000)}", role="park_admin")
    assert reversed_.status_code == 422 and reversed_.json["code"] == "VALIDATION_FAILED"
    assert [e["field"] for e in reversed_.json["details"]["errors"]] == ["query.to"]
    missing = api.get(f"{path}?from={_iso(t)}", role="park_admin")
    assert missing.status_code == 422 and [e["field"] for e in missing.json["details"]["errors"]] == ["query.to"]


def test_every_list_with_a_time_window_refuses_to_before_from(api: Any) -> None:
    """One rule for every `from`/`to` query (core.schemas.Window), instead of an empty page."""
    t = now()
    iso = (_iso(t), _iso(t - 60_000))
    queries = {
        "/alarms": ("park_admin", iso),
        "/alarms/kpis": ("park_admin", iso),
        "/warnings": ("park_admin", iso),
        "/warnings/kpis": ("park_admin", iso),
        "/audit/records": ("auditor", iso),
        "/telemetry/quarantine": ("park_admin", iso),
        "/notifications/sms": ("park_admin", iso),  # epoch ms until ADR 0007
        "/duty/roster": ("park_admin", ("2026-12-02", "2026-12-01")),  # dates
    }
    for path, (role, (start, end)) in queries.items():
        reply = api.get(f"{path}?from={start}&to={end}", role=role)
        assert reply.status_code == 422, (path, reply.json)
        assert [e["field"] for e in reply.json["details"]["errors"]] == ["query.to"], path
        ordered = api.get(f"{path}?from={end}&to={start}", role=role)
        assert ordered.status_code == 200, (path, ordered.json)
