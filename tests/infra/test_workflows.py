"""The generic workflow path of infra/: a sample ASL becomes a logged, traced state machine with a scoped role."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core import catalog
from tests.infra.cfn import (
    PREFIX,
    ROOT,
    SYNTH_TIMEOUT_S,
    as_list,
    load_template,
    of_type,
    ref_id,
    statements,
    synth_env,
)
from tests.infra.test_agreement import cfn_definition

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]

TOPIC = catalog.TOPICS[0].logical
TABLE = "audit"
SAMPLE = {
    "StartAt": "Verify",
    "States": {
        "Verify": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                   "Parameters": {"FunctionName": "${function.verify_warning}",
                                  "Payload": {"token.$": "$$.Task.Token"}},
                   "Next": "Notify"},
        "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                   "Parameters": {"TopicArn": f"${{topic.{TOPIC}}}", "Message.$": "$"}, "Next": "Record"},
        "Record": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                   "Parameters": {"TableName": f"${{table.{TABLE}}}", "Item": {"chain": {"S": "x"}}}, "End": True},
    },
}


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    outdir = tmp_path_factory.mktemp("probe-out")
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("probe_workflow.py"))],
                          input=json.dumps(SAMPLE), cwd=ROOT, env=synth_env(outdir), capture_output=True,
                          text=True, timeout=SYNTH_TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr[-6000:]
    return load_template(outdir)["Resources"]


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
    role = ref_id(machine["Properties"]["RoleArn"])
    granted: dict[str, set[str]] = {}
    for rid, stmt in statements(probe):
        holder = probe[rid]
        if rid == role or role in {ref_id(r) for r in as_list(holder["Properties"].get("Roles", []))}:
            for action in as_list(stmt["Action"]):
                granted.setdefault(action, set()).update(json.dumps(r) for r in as_list(stmt["Resource"]))
    scoped = {a: r for a, r in granted.items() if '"*"' not in r}
    assert set(scoped) == {"lambda:InvokeFunction", "sns:Publish", "dynamodb:PutItem", "kms:Decrypt",
                           "kms:GenerateDataKey*"}
    assert any("probe-VerifyWarning" in r for r in scoped["lambda:InvokeFunction"])
    starred = {a for a, r in granted.items() if '"*"' in r}
    assert all(a.startswith(("logs:", "xray:")) for a in starred), starred  # AWS requires "*" for these
