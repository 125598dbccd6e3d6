"""Device identity in the synthesized template: the gateway thing type and the IoT policy with policy variables
(a gateway connects only as its thing, publishes only to its enterprise's rule topics, subscribes to and
receives only its enterprise's commands)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.core import catalog
from tests.infra.cfn import PREFIX, ROOT, as_list, of_type

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]

THING = "${iot:Connection.Thing.ThingName}"
ENTERPRISE = "${iot:Connection.Thing.Attributes[enterprise_id]}"
ARN = "arn:{AWS::Partition}:iot:{AWS::Region}:{AWS::AccountId}:"


def _flat(value: Any) -> str:
    """A Fn::Join of literals and Refs as one string, a Ref as `{name}`."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "{" + value["Ref"] + "}"
    sep, parts = value["Fn::Join"]
    return sep.join(_flat(p) for p in parts)


@pytest.fixture(scope="module")
def statements(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    policies = of_type(resources, "AWS::IoT::Policy").values()  # the gateways' and the live channel's (infra/live.py)
    (policy,) = [p for p in policies if p["Properties"]["PolicyName"].endswith("-gateway-policy")]
    assert policy["Properties"]["PolicyName"] == f"{PREFIX}-gateway-policy"
    doc = policy["Properties"]["PolicyDocument"]
    return {s["Action"]: s for s in doc["Statement"]}


def _basic_ingest_rules(resources: dict[str, Any]) -> dict[str, str]:
    """Rule name -> device topic kind, for the rules gateways publish to through Basic Ingest."""
    out = {}
    for path in sorted((ROOT / "iot_rules").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("basicIngest"):
            out[f"{PREFIX}_{path.stem}".replace("-", "_")] = raw["sql"].split("FROM 'park/+/")[1].split("'")[0]
    names = {r["Properties"]["RuleName"] for r in of_type(resources, "AWS::IoT::TopicRule").values()}
    assert set(out) <= names
    return out


def test_only_allow_statements_for_the_four_device_actions(statements: dict[str, dict[str, Any]]) -> None:
    assert set(statements) == {"iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"}
    for action, stmt in statements.items():
        assert stmt["Effect"] == "Allow", action
        assert stmt["Condition"]["Bool"] == {"iot:Connection.Thing.IsAttached": "true"}, action
        for resource in as_list(stmt["Resource"]):
            assert _flat(resource).startswith(ARN), (action, resource)  # never "*"
            assert "*" not in _flat(resource) or action in ("iot:Subscribe", "iot:Receive")


def test_a_gateway_connects_only_as_its_thing_of_the_gateway_type(
    statements: dict[str, dict[str, Any]], resources: dict[str, Any]
) -> None:
    (thing_type,) = of_type(resources, "AWS::IoT::ThingType").values()
    props = thing_type["Properties"]
    assert props["ThingTypeName"] == f"{PREFIX}-gateway"
    assert props["ThingTypeProperties"]["SearchableAttributes"] == ["enterprise_id"]
    connect = statements["iot:Connect"]
    assert _flat(connect["Resource"]) == f"{ARN}client/{THING}"
    assert connect["Condition"]["StringEquals"] == {"iot:Connection.Thing.ThingTypeName": f"{PREFIX}-gateway"}


def test_a_gateway_publishes_only_to_its_enterprises_rule_topics(
    statements: dict[str, dict[str, Any]], resources: dict[str, Any]
) -> None:
    published = sorted(_flat(r) for r in as_list(statements["iot:Publish"]["Resource"]))
    basic = _basic_ingest_rules(resources)
    assert basic, "telemetry goes through Basic Ingest"
    expected = [f"{ARN}topic/$aws/rules/{rule}/park/{ENTERPRISE}/{kind}" for rule, kind in basic.items()]
    expected += [f"{ARN}topic/park/{ENTERPRISE}/{k}" for k in catalog.DEVICE_TOPICS.publish if k not in basic.values()]
    assert published == sorted(expected)
    kinds = {r.rsplit("/", 1)[1] for r in published}
    assert kinds == set(catalog.DEVICE_TOPICS.publish)  # the embedded broker's ACL allows the same kinds


def test_a_gateway_subscribes_to_and_receives_only_its_enterprises_commands(
    statements: dict[str, dict[str, Any]],
) -> None:
    assert _flat(statements["iot:Subscribe"]["Resource"]) == f"{ARN}topicfilter/park/{ENTERPRISE}/commands/*"
    assert _flat(statements["iot:Receive"]["Resource"]) == f"{ARN}topic/park/{ENTERPRISE}/commands/*"
