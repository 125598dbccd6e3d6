"""Generic paths of infra/ the current catalogue does not exercise: a sample workflow and a sample IoT rule
(tests/infra/probe_stack.py, synthesized with the session's synth)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.infra.cfn import PREFIX, as_list, load_template, of_type, ref_id, statements, target
from tests.infra.test_agreement import cfn_definition

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]


@pytest.fixture(scope="module")
def probe(probe_dir: Path) -> dict[str, Any]:
    return load_template(probe_dir)["Resources"]


def test_probe_template_lints_clean(probe_dir: Path) -> None:
    from cfnlint.api import lint_file

    (path,) = probe_dir.glob("*.template.json")
    errors = [f"{m.rule.id} {m.message}" for m in lint_file(path) if m.rule.id.startswith("E")]
    assert not errors, "\n".join(errors)


def test_machine_is_named_logged_and_traced(probe: dict[str, Any]) -> None:
    (machine,) = of_type(probe, "AWS::StepFunctions::StateMachine").values()
    p = machine["Properties"]
    assert p["StateMachineName"] == f"{PREFIX}-probe-flow" and p["StateMachineType"] == "STANDARD"
    assert p["TracingConfiguration"]["Enabled"] is True
    assert p["LoggingConfiguration"]["Level"] == "ALL"
    (destination,) = p["LoggingConfiguration"]["Destinations"]
    assert ref_id(destination["CloudWatchLogsLogGroup"]["LogGroupArn"]) in of_type(probe, "AWS::Logs::LogGroup")


def test_placeholders_become_this_stacks_resources(probe: dict[str, Any]) -> None:
    (machine,) = of_type(probe, "AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    refs = {ref_id(p) for p in parts if isinstance(p, dict)}
    kinds = {probe[r]["Type"] for r in refs if r in probe}
    assert kinds == {"AWS::SNS::Topic", "AWS::DynamoDB::Table"}
    text = "".join(p for p in parts if isinstance(p, str))
    assert "probe-VerifyWarning" in text  # the function ARN chalice.get_function would give
    definition = cfn_definition(machine["Properties"]["DefinitionString"])
    assert definition["States"]["Record"]["Parameters"]["TableName"] == "<ref>"


def test_role_allows_exactly_what_the_definition_references(probe: dict[str, Any]) -> None:
    (machine,) = of_type(probe, "AWS::StepFunctions::StateMachine").values()
    granted = _policy_of(probe, target(machine["Properties"]["RoleArn"]))
    scoped = {a: r for a, r in granted.items() if '"*"' not in r}
    assert set(scoped) == {
        "lambda:InvokeFunction",
        "sns:Publish",
        "dynamodb:PutItem",
        "kms:Decrypt",
        "kms:GenerateDataKey*",
    }
    assert any("probe-VerifyWarning" in r for r in scoped["lambda:InvokeFunction"])
    starred = {a for a, r in granted.items() if '"*"' in r}
    assert all(a.startswith(("logs:", "xray:")) for a in starred), starred  # AWS requires "*" for these


def _policy_of(resources: dict[str, Any], role: str) -> dict[str, set[str]]:
    granted: dict[str, set[str]] = {}
    for rid, stmt in statements(resources):
        if rid == role or role in {ref_id(r) for r in as_list(resources[rid]["Properties"].get("Roles", []))}:
            for action in as_list(stmt["Action"]):
                granted.setdefault(action, set()).update(json.dumps(r) for r in as_list(stmt["Resource"]))
    return granted


def test_rule_actions_are_cfn_cased_and_resolved(probe: dict[str, Any]) -> None:
    (rule,) = of_type(probe, "AWS::IoT::TopicRule").values()
    payload = rule["Properties"]["TopicRulePayload"]
    assert rule["Properties"]["RuleName"] == f"{PREFIX}_probe_rule".replace("-", "_")
    sns, ddb, lam = payload["Actions"]
    assert probe[target(sns["Sns"]["TargetArn"])]["Type"] == "AWS::SNS::Topic"
    assert probe[target(ddb["DynamoDBv2"]["PutItem"]["TableName"])]["Type"] == "AWS::DynamoDB::Table"
    assert "probe-OnProbe" in lam["Lambda"]["FunctionArn"]
    assert probe[target(payload["ErrorAction"]["Sqs"]["QueueUrl"])]["Type"] == "AWS::SQS::Queue"


def test_rule_role_and_lambda_permission_are_scoped(probe: dict[str, Any]) -> None:
    (rule,) = of_type(probe, "AWS::IoT::TopicRule").values()
    role = target(rule["Properties"]["TopicRulePayload"]["Actions"][0]["Sns"]["RoleArn"])
    granted = _policy_of(probe, role)
    assert set(granted) == {"sns:Publish", "kms:GenerateDataKey*", "kms:Decrypt", "dynamodb:PutItem", "sqs:SendMessage"}
    assert all('"*"' not in r for r in granted.values())
    (permission,) = of_type(probe, "AWS::Lambda::Permission").values()
    p = permission["Properties"]
    assert p["Principal"] == "iot.amazonaws.com" and "probe-OnProbe" in p["FunctionName"]
    assert "rule/chempark_prod_probe_rule" in json.dumps(p["SourceArn"])
