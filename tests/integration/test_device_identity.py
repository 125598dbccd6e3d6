"""Device identity on the embedded broker: only certificates of the device CA, on file, used as their own client
id; a gateway publishes only to its enterprise's topics and subscribes only to its enterprise's commands.
What the broker refuses never reaches the rule bridge (docs/device-identity.md)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from local.pki import Credentials, Pki
from tests.support import MqttClient, mqtt_bridge

pytestmark = pytest.mark.slow

A, B = "ent_identity_a", "ent_identity_b"


@pytest.fixture(scope="module")
def broker(stack: Any, mqtt_broker: Any) -> Iterator[tuple[int, Any]]:
    with mqtt_bridge(stack.rules, mqtt_broker) as running:
        yield running


@pytest.fixture
def clients() -> Iterator[list[MqttClient]]:
    made: list[MqttClient] = []
    yield made
    for client in made:
        client.close()


@pytest.fixture
def connect(broker: tuple[int, Any], clients: list[MqttClient], device_pki: Pki) -> Callable[..., MqttClient]:
    def make(client_id: str, creds: Credentials | None, expect: bool = True, clean: bool = True) -> MqttClient:
        client = MqttClient(broker[0], client_id, creds, ca=device_pki.ca, clean_session=clean)
        clients.append(client)
        assert client.connect() is expect, (client_id, client.reason)
        return client

    return make


@pytest.fixture
def tap(connect: Callable[..., MqttClient], device_pki: Pki) -> MqttClient:
    """An internal client of the stack that sees every message the broker lets through."""
    client = connect(f"_tap-{time.monotonic_ns()}", device_pki.service("tap"))
    assert not client.subscribe("#")[0].is_failure
    return client


def _until(probe: Callable[[], Any], timeout_s: float = 10) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := probe():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_client_without_a_certificate_is_refused(connect: Callable[..., MqttClient]) -> None:
    connect("gw-nocert", None, expect=False)


def test_a_certificate_of_another_ca_is_refused(
    connect: Callable[..., MqttClient], device_pki: Pki, tmp_path: Path
) -> None:
    device_pki.gateway("gw-ca-check", A)
    forged = Pki.load_or_create(tmp_path).gateway("gw-ca-check", A)  # same names, another CA
    connect("gw-ca-check", Credentials(forged.cert, forged.key, device_pki.ca), expect=False)
    connect("gw-ca-check", device_pki.gateway("gw-ca-check", A))  # the genuine one is admitted


def test_a_gateway_connects_only_as_itself(connect: Callable[..., MqttClient], device_pki: Pki) -> None:
    creds = device_pki.gateway("gw-self-a", A)
    device_pki.gateway("gw-self-b", A)
    connect("gw-self-b", creds, expect=False)  # another gateway's client id
    connect("_rule-bridge-x", creds, expect=False)  # an internal client's id
    connect("gw-self-a", creds)


def test_a_rotated_or_revoked_certificate_is_refused(
    connect: Callable[..., MqttClient], device_pki: Pki, tmp_path: Path
) -> None:
    def keep(creds: Credentials, name: str) -> Credentials:
        """A copy of what the gateway holds, outside the CA's directory."""
        (tmp_path / name).mkdir()
        kept = Credentials(tmp_path / name / "cert.pem", tmp_path / name / "key.pem", creds.ca)
        shutil.copy(creds.cert, kept.cert)
        shutil.copy(creds.key, kept.key)
        return kept

    old = keep(device_pki.gateway("gw-rotate", A), "old")
    current = keep(device_pki.gateway("gw-rotate", A), "current")  # rotation: a new key and certificate
    connect("gw-rotate", old, expect=False)
    connect("gw-rotate", current).close()
    device_pki.revoke("gw-rotate")
    connect("gw-rotate", current, expect=False)


def test_a_gateway_publishes_only_to_its_own_enterprises_topics(
    connect: Callable[..., MqttClient], tap: MqttClient, broker: tuple[int, Any], device_pki: Pki
) -> None:
    _, bridge = broker
    gateway = connect("gw-pub-a", device_pki.gateway("gw-pub-a", A))
    before = bridge.stats["received"]
    body = json.dumps({"gateway_id": "gw-pub-a", "seq": 1, "readings": []})
    for topic in (
        f"park/{B}/telemetry",  # another enterprise's rule topic
        f"park/{B}/acks",
        f"park/{A}/commands/door-1",  # commands come from the platform, not from a gateway
        f"park/{A}/telemetry/extra",
        "chempark/local/simulator",
    ):
        gateway.publish(topic, body)
    gateway.publish(f"park/{A}/acks", json.dumps({"command_id": "none", "status": "ok"}))
    gateway.publish(f"park/{A}/telemetry", body)  # last: once it arrived, everything before was decided
    _until(lambda: any(t == f"park/{A}/telemetry" for t, _ in tap.received))
    assert [t for t, _ in tap.received] == [f"park/{A}/acks", f"park/{A}/telemetry"]
    _until(lambda: bridge.stats["received"] - before >= 2)
    time.sleep(0.3)
    assert bridge.stats["received"] - before == 2  # the refused ones never reached the rule bridge


def test_a_gateway_subscribes_only_to_its_own_enterprises_commands(
    connect: Callable[..., MqttClient], device_pki: Pki
) -> None:
    gateway = connect("gw-sub-a", device_pki.gateway("gw-sub-a", A))
    for refused in (f"park/{B}/commands/+", "park/+/commands/+", "#", f"park/{A}/#", f"park/{A}/commands/#"):
        assert gateway.subscribe(refused)[0].is_failure, refused
    assert gateway.subscribe(f"park/{B}/telemetry")[0].is_failure
    assert not gateway.subscribe(f"park/{A}/commands/+")[0].is_failure
    platform = connect(f"_platform-{time.monotonic_ns()}", device_pki.service("platform"))
    platform.publish(f"park/{B}/commands/door-1", b'{"command_id": "b"}')
    platform.publish(f"park/{A}/commands/door-1", b'{"command_id": "a"}')
    _until(lambda: gateway.received)
    time.sleep(0.3)
    assert gateway.received == [(f"park/{A}/commands/door-1", b'{"command_id": "a"}')]


@pytest.mark.parametrize("clean", [True, False], ids=["clean-session", "resumed-session"])
def test_another_gateways_client_id_does_not_displace_it(
    connect: Callable[..., MqttClient], device_pki: Pki, clean: bool
) -> None:
    """amqtt resets (clean) or resumes (with the victim's TLS object) the named session before it authenticates."""
    victim = connect("gw-victim", device_pki.gateway("gw-victim", B), clean=clean)
    assert not victim.subscribe(f"park/{B}/commands/+")[0].is_failure
    connect("gw-victim", device_pki.gateway("gw-intruder", A), expect=False, clean=clean)  # the victim's id
    platform = connect(f"_platform-{time.monotonic_ns()}", device_pki.service("platform"))
    platform.publish(f"park/{B}/commands/door-2", b"{}")
    assert _until(lambda: victim.received) == [(f"park/{B}/commands/door-2", b"{}")]
    assert not victim.closed.is_set()


def test_the_simulators_gateways_publish_with_their_own_certificates(
    tap: MqttClient, broker: tuple[int, Any], device_pki: Pki
) -> None:
    from local.simulator import Simulator

    port, bridge = broker
    sensor = {"id": "SIM-TI-1", "kind": "temperature", "limits": {"h": 60, "hh": 80}}
    device_pki.gateway("gw-sim-a", A)
    device_pki.gateway("gw-sim-b", B)
    seeded = SimpleNamespace(
        gateways={"gw-sim-a": [sensor], "gw-sim-b": [{**sensor, "id": "SIM-TI-2"}]},
        gateway_enterprise={"gw-sim-a": A, "gw-sim-b": B},
        leak_tag="",
    )
    simulator = Simulator(seeded, device_pki, port=port, period_s=0.2)
    before = bridge.stats["received"]
    simulator.start()
    try:
        _until(lambda: {t for t, _ in tap.received} >= {f"park/{A}/telemetry", f"park/{B}/telemetry"})
    finally:
        simulator.stop()
    senders = {(t, json.loads(p)["gateway_id"]) for t, p in tap.received}
    assert senders == {(f"park/{A}/telemetry", "gw-sim-a"), (f"park/{B}/telemetry", "gw-sim-b")}
    assert bridge.stats["received"] - before >= 2


def test_a_second_connection_of_the_same_gateway_disconnects_the_first(
    connect: Callable[..., MqttClient], device_pki: Pki
) -> None:
    """[MQTT-3.1.4-2], as IoT Core does: amqtt alone would leave the first open but without its session."""
    creds = device_pki.gateway("gw-twice", A)
    first = connect("gw-twice", creds)
    connect("gw-twice", creds)
    assert _until(first.closed.is_set)


def test_a_simulated_gateway_subscribes_again_after_its_session_was_taken_over(
    connect: Callable[..., MqttClient], tap: MqttClient, broker: tuple[int, Any], device_pki: Pki
) -> None:
    """Connecting by hand as a gateway (same certificate, same client id) takes its session over; when the
    simulator's connection comes back on a clean session it must subscribe again, or its actuators go deaf."""
    from local.simulator import Simulator

    creds = device_pki.gateway("gw-takeover", A)
    seeded = SimpleNamespace(gateways={}, gateway_enterprise={}, actuator_gateways={"gw-takeover": A}, leak_tag="")
    simulator = Simulator(seeded, device_pki, port=broker[0], period_s=60)
    simulator.start()
    try:
        connect("gw-takeover", creds).close()  # the simulator's connection was kicked off meanwhile
        platform = connect(f"_platform-{time.monotonic_ns()}", device_pki.service("platform"))

        def acked() -> bool:
            platform.publish(f"park/{A}/commands/door-9", json.dumps({"command_id": "c-takeover", "command": "lock"}))
            time.sleep(0.5)
            return any(t == f"park/{A}/acks" and b"c-takeover" in p for t, p in tap.received)

        assert _until(acked, timeout_s=20)
    finally:
        simulator.stop()
