"""End to end over real MQTT: iot-data publish -> broker -> simulated actuator behind its enterprise's gateway
(its own certificate) -> park/<e>/acks -> rule bridge -> SQS command-acks -> poller -> Lambda -> command acked;
a device told to fail is left to time out."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.core import clock
from chalicelib.linkage import service
from tests.integration.linkage_support import make_site, sent_by_device
from tests.support import mqtt_bridge, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def mqtt_stack(stack: Any, mqtt_broker: Any) -> Iterator[int]:
    from local.poller import SqsPoller

    with mqtt_bridge(stack.rules, mqtt_broker) as (port, _):
        source = next(s for s in stack.sqs_sources if s.function == stack.functions["command_acks"])
        poller = SqsPoller(source, "us-east-1")
        poller.start()
        try:
            yield port
        finally:
            poller.stop()


def test_commands_reach_simulated_devices_and_their_acks_come_back(api: Any, mqtt_stack: int, device_pki: Any) -> None:
    from local.simulator import Simulator

    site = make_site(api, base_lat=40.0)
    gateway = f"gw-act-{site.park.enterprise_id}"
    device_pki.gateway(gateway, site.park.enterprise_id)  # the actuators answer through their gateway
    seeded = SimpleNamespace(
        gateways={}, gateway_enterprise={}, actuator_gateways={gateway: site.park.enterprise_id}, leak_tag=""
    )
    devices = Simulator(seeded, device_pki, port=mqtt_stack, period_s=60)
    devices.start()
    try:
        devices.failed_devices.add(site.devices["vent"])  # what {"scenario": "device_failure"} does
        inc = f"inc_mqtt_{clock.now_ms()}"
        sent = sent_by_device(service.trigger(site.event(inc)))
        assert len(sent) == 4

        def three_acked() -> dict[str, str] | None:
            states = {c["device_id"]: c["status"] for c in service.commands_of(inc)}
            return states if sum(s == "acked" for s in states.values()) == 3 else None

        states = wait_for("three acknowledgements", three_acked)
    finally:
        devices.stop()
    assert states[site.devices["door_near"]] == "acked" and states[site.devices["ptz"]] == "acked"
    assert states[site.devices["vent"]] == "sent"  # the silenced device never answered
    assert devices.stats["acks"] >= 3
