"""Linkage (5.4.3-2..7) through the service and the API over moto: the built-in leak rule commands the right
devices over MQTT, acknowledgements and timeouts, rules CRUD and scoping, disabled rules, drills."""

from __future__ import annotations

import itertools
from typing import Any

import orjson
import pytest

from chalicelib.core import aws, clock
from chalicelib.core.catalog import rule_files
from chalicelib.linkage import service
from local.bridge import compile_rule
from local.poller import sqs_event
from tests.integration.linkage_support import by_device, make_site, offset, published, sent_by_device
from tests.settings_env import setenv_fixture  # noqa: F401 (the `setenv` fixture)
from tests.support import TopicTap, make_park

_n = itertools.count()


def incident() -> str:
    return f"inc_test_{next(_n)}_{clock.now_ms()}"


@pytest.fixture
def site(api: Any) -> Any:
    return make_site(api, base_lat=30.0)


def deliver_ack(stack: Any, topic: str, ack: dict[str, Any]) -> dict[str, Any]:
    """An ack as IoT Core would deliver it: the rule's SQL applied to the MQTT message, then the SQS Lambda."""
    rule = next(compile_rule({"name": p.stem, **orjson.loads(p.read_text())}) for p in rule_files() if "ack" in p.stem)
    body = rule.apply(topic, ack)
    assert body is not None, "the command_acks rule must match park/<enterprise>/acks"
    message = {"MessageId": f"m-{next(_n)}", "ReceiptHandle": "r", "Body": orjson.dumps(body).decode()}
    reply = aws.client("lambda").invoke(
        FunctionName=stack.functions["command_acks"],
        Payload=orjson.dumps(sqs_event([message], "arn:aws:sqs:us-east-1:123456789012:acks", "us-east-1")),
    )
    assert "FunctionError" not in reply, reply["Payload"].read()
    return orjson.loads(reply["Payload"].read())


def ack_body(command: dict[str, Any], status: str, **payload: Any) -> str:
    """What the command_acks rule hands the queue for a device's answer on its own ack topic."""
    stored = next(c for c in service.commands_of(command["incident_id"]) if c["command_id"] == command["command_id"])
    owner = stored["topic"].split("/")[1]  # park/{owner}/commands/{device}: the device answers on park/{owner}/acks
    body = {"command_id": command["command_id"], "status": status, **payload, "_topic_enterprise": owner}
    return orjson.dumps(body).decode()


def test_leak_with_the_builtin_rule_commands_the_devices_around_the_source(api: Any, site: Any) -> None:
    screen = TopicTap("screen-events")
    lat, lon = offset(site.lat, site.lon, 0, -250)
    team = api.post(
        "/resources",
        role="park_admin",
        json={"kind": "team", "name": "专职消防队", "location": {"lat": lat, "lon": lon}, "details": {"members": 12}},
    )
    assert team.status_code == 201, team.json
    inc = incident()
    result = service.trigger(site.event(inc))
    assert [r.id for r in result.rules] == ["leak_default"]
    sent, stored = sent_by_device(result), by_device(service.commands_of(inc))
    d = site.devices
    assert sent[d["ptz"]].command == "ptz_track" and stored[d["ptz"]]["params"]["target"]["lat"] == site.lat
    assert sent[d["door_near"]].command == "door_lock" and stored[d["door_near"]]["params"] == {"state": "locked"}
    assert sent[d["exit"]].command == "exit_open"
    assert stored[d["vent"]]["params"] == {"mode": "shutdown"}
    for absent in ("door_far", "fixed_cam", "speaker"):  # out of radius, not PTZ, no action for broadcast
        assert d[absent] not in sent, absent
    assert {c.status for c in result.commands} == {"sent"} and set(stored) == set(sent)

    topics = {t: p for t, p in published(site.park.enterprise_id) if p["incident_id"] == inc}
    assert set(topics) == {
        f"park/{site.park.enterprise_id}/commands/{d[k]}" for k in ("ptz", "door_near", "exit", "vent")
    }
    payload = topics[f"park/{site.park.enterprise_id}/commands/{d['door_near']}"]
    assert payload["command_id"] == sent[d["door_near"]].command_id and payload["command"] == "door_lock"
    assert payload["ack_topic"] == f"park/{site.park.enterprise_id}/acks"

    listed = api.get(f"/linkage/commands?incident_id={inc}", role="duty_officer").json["items"]
    assert {c["device_id"] for c in listed} == set(sent) and all(c["status"] == "sent" for c in listed)

    (message,) = [m for m in screen.messages() if m["body"]["incident_id"] == inc]
    roles = [f["properties"]["role"] for f in message["body"]["geojson"]["features"]]
    assert roles.count("source") == 1 and "isolation" in roles and roles.count("zone") == 3
    assert roles.count("device") == 4 and message["attributes"]["drill"] == "false"
    nearest = message["body"]["resources"][0]  # what the screen shows next to the incident (5.4.3-7)
    assert nearest["id"] == team.json["id"] and nearest["distance_m"] < 300
    assert result.highlight is not None and result.highlight.message_id and result.highlight.resources >= 1
    assert result.evacuation is not None and result.evacuation.drill is False and result.errors == ()

    again = service.trigger(site.event(inc))  # a retried workflow step must not actuate twice
    assert again.commands and all(c.duplicate for c in again.commands)
    assert len([1 for t, p in published(site.park.enterprise_id) if p["incident_id"] == inc]) == 4


def test_acks_through_the_rule_and_sqs_handler_mark_commands_acked_or_failed(api: Any, site: Any, stack: Any) -> None:
    inc = incident()
    sent = sent_by_device(service.trigger(site.event(inc)))
    eid, d = site.park.enterprise_id, site.devices
    ok, bad = sent[d["door_near"]].command_id, sent[d["exit"]].command_id
    reply = deliver_ack(stack, f"park/{eid}/acks", {"command_id": ok, "status": "ok", "detail": "已闭锁"})
    assert reply == {"batchItemFailures": []}
    deliver_ack(stack, f"park/{eid}/acks", {"command_id": bad, "status": "error", "detail": "电机故障"})
    # Another enterprise's device cannot acknowledge this enterprise's command; junk is dropped, not retried.
    deliver_ack(stack, "park/ent_other/acks", {"command_id": sent[d["vent"]].command_id, "status": "ok"})
    # ... nor by naming this enterprise in its payload: the rule marks the reserved key and the ack is dropped.
    forged = {"command_id": sent[d["vent"]].command_id, "status": "ok", "_topic_enterprise": eid}
    assert deliver_ack(stack, "park/ent_other/acks", forged) == {"batchItemFailures": []}
    assert deliver_ack(stack, f"park/{eid}/acks", {"status": "ok"}) == {"batchItemFailures": []}

    listed = by_device(api.get(f"/linkage/commands?incident_id={inc}", role="park_admin").json["items"])
    assert listed[d["door_near"]]["status"] == "acked" and listed[d["door_near"]]["acked_at"] is not None
    assert listed[d["door_near"]]["detail"] == "已闭锁"
    assert listed[d["exit"]]["status"] == "failed" and listed[d["exit"]]["detail"] == "电机故障"
    assert listed[d["vent"]]["status"] == "sent"


def test_commands_without_ack_time_out_after_the_sweep(api: Any, site: Any, setenv: Any) -> None:
    setenv("CHEMPARK_COMMAND_TIMEOUT_S", "30")
    frozen = clock.FrozenClock(clock.now_ms())
    inc = incident()
    with clock.use(frozen):
        service.trigger(site.event(inc))
        sent = by_device(service.commands_of(inc))
        service.handle_acks([("m1", ack_body(sent[site.devices["door_near"]], "ok"))])
        frozen.advance(29)
        service.sweep_timeouts()
        assert {c["status"] for c in service.commands_of(inc)} == {"sent", "acked"}
        frozen.advance(2)
        assert service.sweep_timeouts()["timed_out"] >= 3
        frozen.advance(5)  # a late acknowledgement still records that the device did it
        service.handle_acks([("m2", ack_body(sent[site.devices["vent"]], "ok"))])
    states = {c["device_id"]: c for c in service.commands_of(inc)}
    assert states[site.devices["door_near"]]["status"] == "acked"
    assert states[site.devices["exit"]]["status"] == "timeout"
    assert "30 秒" in states[site.devices["exit"]]["detail"]
    assert states[site.devices["vent"]]["status"] == "acked" and "超时后确认" in states[site.devices["vent"]]["detail"]


def test_drill_records_simulated_commands_and_publishes_nothing(api: Any, site: Any) -> None:
    inc = incident()
    frozen = clock.FrozenClock(clock.now_ms())
    with clock.use(frozen):
        event = site.event(inc, drill=True, faults=[{"kind": "device_failure", "device": site.devices["exit"]}])
        result = service.trigger(event)
        assert result.commands and {c.status for c in result.commands} == {"simulated"}
        assert [p for _, p in published(site.park.enterprise_id) if p["incident_id"] == inc] == []
        frozen.advance(120)
        service.sweep_timeouts()
    states = by_device(service.commands_of(inc))
    assert states[site.devices["exit"]]["status"] == "timeout"  # the injected fault shows up as it would live
    assert "演练注入故障" in states[site.devices["exit"]]["detail"]
    assert states[site.devices["door_near"]]["status"] == "simulated"
    assert result.evacuation is not None and result.evacuation.drill is True


def test_a_disabled_rule_does_nothing(api: Any, site: Any) -> None:
    rule = api.get("/linkage/rules/leak_default", role="park_admin").json
    body = {k: rule[k] for k in ("name", "description", "event_type", "min_level", "scope", "actions")}
    assert api.put("/linkage/rules/leak_default", role="commander", json={**body, "enabled": False}).status_code == 200
    try:
        inc = incident()
        result = service.trigger(site.event(inc))
        assert result.rules == () and result.commands == () and result.evacuation is None
        assert [p for _, p in published(site.park.enterprise_id) if p["incident_id"] == inc] == []
    finally:
        api.put("/linkage/rules/leak_default", role="park_admin", json={**body, "enabled": True})


def test_a_neighbours_devices_are_commanded_without_naming_the_incident_to_them(api: Any, site: Any) -> None:
    neighbour = make_park(api)
    lat, lon = offset(site.lat, site.lon, -80, 0)
    door = {
        "enterprise_id": neighbour.enterprise_id,
        "kind": "door",
        "name": "邻厂门禁",
        "location": {"lat": lat, "lon": lon},
    }
    their = api.post("/linkage/devices", role="park_admin", json=door).json["id"]
    inc = incident()
    assert their in sent_by_device(service.trigger(site.event(inc)))  # a plume does not stop at the fence
    seen = api.get("/linkage/commands", role="enterprise_manager", enterprise_id=neighbour.enterprise_id).json["items"]
    (mine,) = [c for c in seen if c["device_id"] == their]
    assert mine["status"] == "sent" and mine["incident_id"] is None and mine["rule_id"] is None
    assert inc not in str(seen) and site.park.enterprise_id not in str(seen)
    full = by_device(api.get(f"/linkage/commands?incident_id={inc}", role="commander").json["items"])
    assert full[their]["incident_id"] == inc and full[their]["rule_id"] == "leak_default"
