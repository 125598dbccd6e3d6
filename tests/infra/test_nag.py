"""cdk-nag (AwsSolutions pack) ran inside the session's synth: no error-level finding, every acknowledgment
reasoned and on the one resource it is about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.nag import MIN_REASON, REPORT, WILDCARDS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]


def findings(assembly: Path, severity: str) -> list[str]:
    report = json.loads((assembly / REPORT).read_text(encoding="utf-8")) if (assembly / REPORT).exists() else {}
    return [
        f"{v['ruleName']} @ {c['constructPath']}: {v['description']}"
        for plugin in report.get("pluginReports", [])
        for v in plugin["violations"]
        if v["severity"] == severity
        for c in v["violatingConstructs"]
    ]


def acknowledgments(resources: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Acknowledged rules per resource, as the pack writes them into the template's metadata."""
    return {
        rid: r["Metadata"]["cdk_nag"]["rules_to_suppress"]
        for rid, r in resources.items()
        if "cdk_nag" in r.get("Metadata", {})
    }


def test_no_error_level_finding_is_left(synth: Path) -> None:
    assert not findings(synth, "error"), "\n".join(findings(synth, "error"))


def test_every_acknowledgment_names_one_rule_with_its_reason(resources: dict[str, Any]) -> None:
    acks = acknowledgments(resources)
    assert acks, "no acknowledgment in the template: cdk-nag did not run in the synth"
    for rid, rules in acks.items():
        for rule in rules:
            assert rule["id"].startswith("AwsSolutions-"), (rid, rule)
            assert len(rule["reason"]) >= MIN_REASON, (rid, rule)
            if rule["id"].startswith("AwsSolutions-IAM5"):
                assert "[" in rule["id"], f"{rid}: IAM5 acknowledged wholesale instead of finding by finding"
    # The narrowest scope: resources, never the stack or the whole app.
    assert all(resources[rid]["Type"] != "AWS::CloudFormation::Stack" for rid in acks)


def test_iam_wildcards_are_acknowledged_only_on_roles_that_have_them(resources: dict[str, Any]) -> None:
    for rid, rules in acknowledgments(resources).items():
        text = json.dumps(resources[rid]["Properties"])
        for rule in rules:
            if rule["id"] == "AwsSolutions-IAM5[Resource::*]":
                assert '"Resource": "*"' in text, rid
            elif rule["id"].startswith("AwsSolutions-IAM5[Action::"):
                assert rule["id"].removeprefix("AwsSolutions-IAM5[Action::").rstrip("]") in text, rid


@pytest.mark.parametrize(
    "finding",
    [
        "Resource::*",  # only with the actions AWS cannot scope (checked statement by statement)
        "Resource::<AuditTableB07F8EEB.Arn>/index/*",  # indexes are granted by name
        "Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/*",
        "Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*",
        "Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/*",
        "Action::dynamodb:*",
        "Action::s3:*",
    ],
)
def test_broad_wildcards_have_no_reason_on_file(finding: str) -> None:
    assert not any(pattern.fullmatch(finding) for pattern, _ in WILDCARDS)
