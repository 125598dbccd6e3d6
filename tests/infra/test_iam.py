"""Least privilege in the synthesized template: no wildcards but where AWS requires them, append-only audit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.infra.cfn import PREFIX, as_list, functions, of_type, ref_id, statements

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]

# Actions AWS offers no resource-level permission for: the only ones allowed on "*".
STAR_OK = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",  # scoped by its namespace condition instead (asserted below)
    "states:ListStateMachines",
    # CloudWatch Logs delivery for Step Functions logging (vended logs)
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
    # SNS mobile push: platform applications (deploy-time provider) and endpoints per device token (runtime)
    "sns:CreatePlatformApplication",
    "sns:SetPlatformApplicationAttributes",
    "sns:DeletePlatformApplication",
    "sns:CreatePlatformEndpoint",
    "sns:GetEndpointAttributes",
    "sns:DeleteEndpoint",
    # the live channel finds the stack's Cognito identity pool by name (GET /live/connection in AWS)
    "cognito-identity:ListIdentityPools",
}


def test_no_action_wildcards(resources: dict[str, Any]) -> None:
    suffix_ok = {"kms:GenerateDataKey*"}  # GenerateDataKey and GenerateDataKeyWithoutPlaintext, one key
    for rid, stmt in statements(resources):
        for action in as_list(stmt.get("Action", [])):
            assert "*" not in action or action in suffix_ok, f"{rid}: {action}"


def test_star_resources_only_where_aws_requires_them(resources: dict[str, Any]) -> None:
    for rid, stmt in statements(resources):
        if "*" not in as_list(stmt.get("Resource", [])):
            continue
        actions = set(as_list(stmt["Action"]))
        assert actions <= STAR_OK, f"{rid}: {sorted(actions - STAR_OK)} on *"
        if "cloudwatch:PutMetricData" in actions:
            assert stmt["Condition"] == {"StringEquals": {"cloudwatch:namespace": "ChemPark"}}


def test_sms_publish_cannot_reach_topics(resources: dict[str, Any]) -> None:
    for rid, stmt in statements(resources):
        if "NotResource" in stmt:
            assert as_list(stmt["Action"]) == ["sns:Publish"] and stmt["NotResource"] == "arn:*:sns:*:*:*", rid


def _table_id(resources: dict[str, Any], logical: str) -> str:
    return next(
        tid
        for tid, t in of_type(resources, "AWS::DynamoDB::Table").items()
        if t["Properties"]["TableName"] == f"{PREFIX}-{logical}"
    )


def test_audit_table_is_append_only(resources: dict[str, Any]) -> None:
    audit = _table_id(resources, "audit")
    granted = set()
    for rid, stmt in statements(resources):
        if audit in json.dumps(stmt.get("Resource")):
            actions = set(as_list(stmt["Action"]))
            granted |= actions
            assert not actions & {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}, rid
    assert {"dynamodb:PutItem", "dynamodb:Query"} <= granted  # the chain can still be appended and read


def test_roles_are_split_by_trigger(resources: dict[str, Any]) -> None:
    fns = functions(resources)
    role_of = {fid: ref_id(fn["Properties"]["Role"]) for fid, fn in fns.items()}
    consumers = {
        fid for fid, fn in fns.items() if any(e["Type"] == "SQS" for e in fn["Properties"].get("Events", {}).values())
    }
    receive = {rid for rid, s in statements(resources) if "sqs:ReceiveMessage" in as_list(s["Action"])}
    for fid, role in role_of.items():
        # Only roles of queue consumers may receive from a queue; the API role never does.
        assert (role in receive) == any(role_of[c] == role for c in consumers), fid
    assert role_of["APIHandler"] not in receive


def test_consumers_receive_only_from_their_queues(resources: dict[str, Any]) -> None:
    consumed = {
        ref_id(e["Properties"]["Queue"])
        for fn in functions(resources).values()
        for e in fn["Properties"].get("Events", {}).values()
        if e["Type"] == "SQS"
    }
    granted = set()
    for _rid, stmt in statements(resources):
        if "sqs:ReceiveMessage" in as_list(stmt["Action"]):
            granted |= {ref_id(r) for r in as_list(stmt["Resource"])}
    assert granted == consumed


def test_iot_rule_role_allows_only_its_actions(resources: dict[str, Any]) -> None:
    rules = of_type(resources, "AWS::IoT::TopicRule")
    role_ids = {
        ref_id(a[kind]["RoleArn"])
        for r in rules.values()
        for a in [
            *r["Properties"]["TopicRulePayload"]["Actions"],
            r["Properties"]["TopicRulePayload"].get("ErrorAction", {}),
        ]
        for kind in a
        if "RoleArn" in a[kind]
    }
    allowed = {
        "sqs:SendMessage",
        "firehose:PutRecord",
        "firehose:PutRecordBatch",
        "sns:Publish",
        "dynamodb:PutItem",
        "s3:PutObject",
        "states:StartExecution",
        "kms:GenerateDataKey*",
        "kms:Decrypt",
    }
    seen = set()
    for rid, stmt in statements(resources):
        holder = resources[rid]
        owner = rid if holder["Type"] == "AWS::IAM::Role" else ref_id(as_list(holder["Properties"]["Roles"])[0])
        if owner in role_ids:
            seen |= set(as_list(stmt["Action"]))
            assert "*" not in as_list(stmt["Resource"]), rid
    assert seen and seen <= allowed
