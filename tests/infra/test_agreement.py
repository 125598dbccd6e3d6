"""One source of truth: the moto stack (local/provision.py) and the CDK template provision the same resources.

Names are compared with their stage prefix stripped (chempark-test locally, chempark-prod in the template).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.core import aws
from chalicelib.core.settings import get_settings
from tests.infra.cfn import PREFIX, of_type, ref_id, strip, target

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]
INFRA_ONLY_TOPICS = {"ops-alarms"}  # CloudWatch alarm actions: AWS only, nothing local publishes there


def _local() -> str:
    return get_settings().resource_prefix


def _proj(p: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    return p["ProjectionType"], tuple(sorted(p.get("NonKeyAttributes", [])))


def _table_shape(t: dict[str, Any], ttl: str | None) -> dict[str, Any]:
    """The comparable part of a table, from DescribeTable or from CloudFormation properties (same casing)."""
    keys = {k["AttributeName"] for k in t["KeySchema"]}
    for index in t.get("GlobalSecondaryIndexes", []) + t.get("LocalSecondaryIndexes", []):
        keys |= {k["AttributeName"] for k in index["KeySchema"]}
    stream = t.get("StreamSpecification") or {}
    return {
        "keys": sorted((k["AttributeName"], k["KeyType"]) for k in t["KeySchema"]),
        "types": {
            a["AttributeName"]: a["AttributeType"] for a in t["AttributeDefinitions"] if a["AttributeName"] in keys
        },
        "gsi": {
            i["IndexName"]: (sorted((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]), _proj(i["Projection"]))
            for i in t.get("GlobalSecondaryIndexes", [])
        },
        "lsi": {
            i["IndexName"]: (sorted((k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]), _proj(i["Projection"]))
            for i in t.get("LocalSecondaryIndexes", [])
        },
        "stream": stream.get("StreamViewType") if stream.get("StreamEnabled", True) else None,
        "ttl": ttl,
    }


def test_tables_agree(stack: Any, resources: dict[str, Any]) -> None:
    ddb = aws.client("dynamodb")
    names = [n for page in ddb.get_paginator("list_tables").paginate() for n in page["TableNames"]]
    local = {}
    for name in names:
        if name.startswith(f"{_local()}-"):
            ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            enabled = ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING")
            local[strip(name, _local())] = _table_shape(
                ddb.describe_table(TableName=name)["Table"], ttl.get("AttributeName") if enabled else None
            )
    cfn = {}
    for table in of_type(resources, "AWS::DynamoDB::Table").values():
        p = table["Properties"]
        ttl = p.get("TimeToLiveSpecification", {})
        cfn[strip(p["TableName"], PREFIX)] = _table_shape(p, ttl.get("AttributeName") if ttl.get("Enabled") else None)
    assert local, "the moto stack has no tables"
    assert set(local) == set(cfn)
    for name, shape in local.items():
        assert cfn[name] == shape, name


def test_queues_agree(stack: Any, resources: dict[str, Any]) -> None:
    sqs = aws.client("sqs")
    local = {}
    for url in sqs.list_queues(QueueNamePrefix=f"{_local()}-").get("QueueUrls", []):
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attrs["RedrivePolicy"]) if "RedrivePolicy" in attrs else None
        local[strip(url.rsplit("/", 1)[-1], _local())] = {
            "dlq": strip(redrive["deadLetterTargetArn"].rsplit(":", 1)[-1], _local()) if redrive else None,
            "max_receive": int(redrive["maxReceiveCount"]) if redrive else None,
            "visibility": int(attrs["VisibilityTimeout"]) if redrive else None,
            "retention": int(attrs["MessageRetentionPeriod"]),
        }
    queues = of_type(resources, "AWS::SQS::Queue")
    cfn = {}
    for q in queues.values():
        p = q["Properties"]
        redrive = p.get("RedrivePolicy")
        cfn[strip(p["QueueName"], PREFIX)] = {
            "dlq": strip(queues[target(redrive["deadLetterTargetArn"])]["Properties"]["QueueName"], PREFIX)
            if redrive
            else None,
            "max_receive": int(redrive["maxReceiveCount"]) if redrive else None,
            "visibility": int(p["VisibilityTimeout"]) if redrive else None,
            "retention": int(p["MessageRetentionPeriod"]),
        }
    assert local and local == cfn


def test_topics_agree(stack: Any, resources: dict[str, Any]) -> None:
    sns = aws.client("sns")
    local = {}
    for topic in sns.list_topics()["Topics"]:
        name = topic["TopicArn"].rsplit(":", 1)[-1]
        if name.startswith(f"{_local()}-"):
            attrs = sns.get_topic_attributes(TopicArn=topic["TopicArn"])["Attributes"]
            local[strip(name, _local())] = attrs.get("DisplayName")
    cfn = {
        strip(t["Properties"]["TopicName"], PREFIX): t["Properties"].get("DisplayName")
        for t in of_type(resources, "AWS::SNS::Topic").values()
    }
    assert local
    assert {k: v for k, v in cfn.items() if k not in INFRA_ONLY_TOPICS} == local


def _cfn_target(value: Any, resources: dict[str, Any]) -> str | None:
    """What a rule action field points at in the template: the target resource's physical name."""
    rid = ref_id(value)
    if rid is None or resources[rid]["Type"] == "AWS::IAM::Role":
        return None
    props = resources[rid]["Properties"]
    name = next(
        props[k] for k in ("QueueName", "TopicName", "TableName", "DeliveryStreamName", "BucketName") if k in props
    )
    return strip(name, PREFIX)


def _local_target(value: Any) -> str | None:
    if not isinstance(value, str) or ":role/" in value:
        return None
    last = re.split(r"[/:]", value)[-1]
    return strip(last, _local()) if last.startswith(f"{_local()}-") else None


def _actions(actions: list[dict[str, Any]], target: Any) -> list[tuple[str, list[str]]]:
    out = []
    for action in actions:
        ((kind, body),) = action.items()
        targets = sorted(t for t in (target(v) for v in body.values()) if t)
        out.append((kind[0].lower() + kind[1:], targets))
    return out


def test_iot_rules_agree(stack: Any, resources: dict[str, Any]) -> None:
    iot = aws.client("iot")
    local_prefix = _local().replace("-", "_")
    local = {}
    for entry in iot.list_topic_rules()["rules"]:
        if entry["ruleName"].startswith(f"{local_prefix}_"):
            rule = iot.get_topic_rule(ruleName=entry["ruleName"])["rule"]
            local[strip(entry["ruleName"], local_prefix, "_")] = (
                rule["sql"],
                _actions(rule["actions"], _local_target),
                _actions([rule["errorAction"]] if rule.get("errorAction") else [], _local_target),
            )
    cfn = {}
    for r in of_type(resources, "AWS::IoT::TopicRule").values():
        p = r["Properties"]["TopicRulePayload"]
        target = lambda v: _cfn_target(v, resources)  # noqa: E731
        cfn[strip(r["Properties"]["RuleName"], PREFIX.replace("-", "_"), "_")] = (
            p["Sql"],
            _actions(p["Actions"], target),
            _actions([p["ErrorAction"]] if p.get("ErrorAction") else [], target),
        )
    assert local and local == cfn


REF = "<ref>"
_RESOLVED = re.compile(r"arn:[^\s\"]+|https?://[^\s\"]+|\bchempark-[a-z0-9]+-[\w-]+")


def _normalize(node: Any) -> Any:
    """A definition modulo ARNs: every ARN, URL or prefixed physical name becomes <ref>."""
    if isinstance(node, dict):
        return {k: _normalize(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalize(v) for v in node]
    return _RESOLVED.sub(REF, node) if isinstance(node, str) else node


def cfn_definition(value: Any) -> Any:
    """DefinitionString (a string, or Fn::Join over strings and intrinsics) with intrinsics as <ref>."""
    if isinstance(value, dict):
        parts = value["Fn::Join"][1]
        value = "".join(p if isinstance(p, str) else REF for p in parts)
    assert "${" not in value, "an unresolved placeholder reached the template"
    return _normalize(json.loads(value))


def test_normalize_treats_tokens_and_local_arns_alike() -> None:
    local = {"Resource": "arn:aws:lambda:us-east-1:123456789012:function:chempark-test-verify", "T": "chempark-test-x"}
    join = {"Fn::Join": ["", ['{"Resource": "', {"Fn::GetAtt": ["F", "Arn"]}, '", "T": "', {"Ref": "T"}, '"}']]}
    assert _normalize(local) == cfn_definition(join)
    assert _normalize({"Type": "Wait"}) != cfn_definition('{"Type": "Pass"}')


def test_state_machines_agree(stack: Any, resources: dict[str, Any]) -> None:
    sfn = aws.client("stepfunctions")
    local = {}
    for machine in sfn.list_state_machines()["stateMachines"]:
        if machine["name"].startswith(f"{_local()}-"):
            definition = sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]
            local[strip(machine["name"], _local())] = _normalize(json.loads(definition))
    cfn = {
        strip(m["Properties"]["StateMachineName"], PREFIX): cfn_definition(m["Properties"]["DefinitionString"])
        for m in of_type(resources, "AWS::StepFunctions::StateMachine").values()
    }
    assert local == cfn
