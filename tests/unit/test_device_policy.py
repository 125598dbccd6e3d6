"""The embedded broker's device policy (local/mqtt_auth.py) on its own: who may connect as which client id,
publish, subscribe to and receive which topic."""

from __future__ import annotations

import pytest

from local.mqtt_auth import ClientIdentity, may_connect, may_publish, may_receive, may_subscribe

GW = ClientIdentity("gateway", "gw-a", "ent_a", b"")
SVC = ClientIdentity("service", "rule-bridge", None, b"")


def test_a_gateway_connects_only_with_its_own_id_and_a_service_only_under_its_prefix() -> None:
    assert may_connect(GW, "gw-a")
    assert not may_connect(GW, "gw-b") and not may_connect(GW, "") and not may_connect(GW, None)
    assert not may_connect(GW, "gw-a-2") and not may_connect(GW, "_gw-a")
    assert may_connect(SVC, "_rule-bridge") and may_connect(SVC, "_rule-bridge-1a2b")
    assert not may_connect(SVC, "rule-bridge") and not may_connect(SVC, "gw-a") and not may_connect(SVC, "_rule")


@pytest.mark.parametrize(
    ("topic", "allowed"),
    [
        ("park/ent_a/telemetry", True),
        ("park/ent_a/acks", True),
        ("park/ent_b/telemetry", False),
        ("park/ent_a/commands/door-1", False),
        ("park/ent_a/telemetry/x", False),
        ("park/ent_a", False),
        ("park//telemetry", False),
        ("other/ent_a/telemetry", False),
        ("chempark/local/simulator", False),
    ],
)
def test_a_gateway_publishes_only_to_its_enterprises_rule_topics(topic: str, allowed: bool) -> None:
    assert may_publish(GW, topic) is allowed
    assert may_publish(SVC, topic)


@pytest.mark.parametrize(
    ("topic_filter", "allowed"),
    [
        ("park/ent_a/commands/+", True),
        ("park/ent_a/commands/door-1", True),
        ("park/ent_a/commands/#", False),
        ("park/ent_a/commands/door+", False),
        ("park/ent_a/commands/", False),
        ("park/ent_a/commands/+/x", False),
        ("park/ent_a/#", False),
        ("park/ent_a/+/+", False),
        ("park/+/commands/+", False),
        ("park/ent_b/commands/+", False),
        ("park/ent_a/telemetry", False),
        ("#", False),
    ],
)
def test_a_gateway_subscribes_only_to_its_enterprises_commands(topic_filter: str, allowed: bool) -> None:
    assert may_subscribe(GW, topic_filter) is allowed


def test_a_gateway_receives_only_its_enterprises_commands() -> None:
    assert may_receive(GW, "park/ent_a/commands/door-1")
    assert not may_receive(GW, "park/ent_b/commands/door-1")
    assert not may_receive(GW, "park/ent_a/telemetry")
    assert may_receive(SVC, "park/ent_b/telemetry")
