"""cdk-nag (AwsSolutions pack) over the synthesized stack, and the one way to acknowledge a finding: with a reason.

`-c nag=1` (the infra tests set it) adds the pack to the synth; CDK writes its findings to the cloud
assembly's validation-report.json, which tests/infra/test_nag.py reads. Acknowledgments are recorded in
every synth, each on the one construct the finding is about.

IAM wildcards (AwsSolutions-IAM5) are acknowledged finding by finding: `acknowledge_iam_wildcards` reads
every policy of the stack and acknowledges a wildcard only when it matches one of WILDCARDS, whose reason
says why that wildcard is needed. Any other wildcard stays a finding and fails the test.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # CDK is imported where it is used: tests read the tables below without starting jsii
    from aws_cdk import App, Stack
    from constructs import IConstruct

CONTEXT_FLAG = "nag"
REPORT = "validation-report.json"  # written by CDK into the assembly directory
MIN_REASON = 40  # a reason says why the rule does not fit here, not just that it does not

# Actions AWS offers no resource-level permission for: the only ones a statement may grant on "*".
STAR_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",  # scoped by its cloudwatch:namespace condition instead
        "states:ListStateMachines",
        "logs:CreateLogDelivery",  # CloudWatch Logs delivery of Step Functions logging (vended logs)
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
        # SNS mobile push (infra/push.py, notify.mobile): platform applications and endpoints are no IAM resource.
        "sns:CreatePlatformApplication",
        "sns:SetPlatformApplicationAttributes",
        "sns:DeletePlatformApplication",
        "sns:CreatePlatformEndpoint",
        "sns:GetEndpointAttributes",
        "sns:DeleteEndpoint",
        "cognito-identity:ListIdentityPools",  # GET /live/connection finds the stack's identity pool by name
    }
)
_ARN = r"arn:<AWS::Partition>:{service}:<AWS::Region>:<AWS::AccountId>:"
# (pattern of the finding, reason). Patterns are anchored and name this stack's resources only.
WILDCARDS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"Resource::" + _ARN.format(service="logs") + r"log-group:/aws/lambda/chempark-[a-z0-9-]+-\*:\*"),
        "Log streams are named by the Lambda runtime; the pattern names only this stack's function log groups.",
    ),
    (
        re.compile(r"Resource::" + _ARN.format(service="iot") + r"topic/park/\*/commands/\*"),
        "Linkage commands go to the enterprise and device a rule names at run time: park/{enterprise}/commands/"
        "{device}; the API and event functions publish nothing else.",
    ),
    (
        re.compile(r"Resource::" + _ARN.format(service="iot") + r"topic/live/\*"),
        "Live-channel messages go to the park's and each enterprise's topics named at run time (live/park/{park}/"
        "{type}, live/enterprise/{id}/{type}); nothing outside live/ (docs/adr/0006-live-channel.md).",
    ),
    (
        re.compile(
            r"Resource::"
            + _ARN.format(service="iot")
            + r"topic(filter)?/live/(enterprise/<aws:PrincipalTag/enterprise_id>|park/[A-Za-z0-9_-]+)/\*"
        ),
        "A console subscribes to its own tenant's live topics of every type; the tenant comes from the principal "
        "tag of the signed-in user (or the park scope), the type level is the wildcard (docs/adr/0006).",
    ),
    (
        re.compile(r"Resource::<\w+Bucket\w*\.Arn>/\*"),
        "Object keys are made at run time (archive hour per enterprise, report per id); the grant is limited "
        "to this one bucket of the stack.",
    ),
    (
        re.compile(r"Resource::" + _ARN.format(service="states") + r"execution:chempark-[a-z0-9-]+:\*"),
        "Execution names are generated per start; the grant covers only the executions of one state machine.",
    ),
    (
        re.compile(r"Resource::<\w+\.Arn>:\*"),
        "Step Functions invokes the task function by ARN, which may carry a version or alias qualifier; the "
        "grant names one function of this stack.",
    ),
    (
        re.compile(r"Resource::" + _ARN.format(service="sns") + r"endpoint/\*/chempark-[a-z0-9-]+-push-\*/\*"),
        "Mobile push endpoints are created per device token at run time (notify.mobile); the grant covers only "
        "the endpoints of this stack's platform applications.",
    ),
    (
        re.compile(r"Resource::" + _ARN.format(service="cognito-identity") + r"identitypool/\*"),
        "The live channel reads the identity pool it found by name (its id is made at deploy time and no "
        "function gets it as a variable, to keep the template under 1 MB); describing it grants nothing else.",
    ),
    (
        re.compile(r"Action::kms:GenerateDataKey\*"),
        "Publishing to a KMS-encrypted SNS topic needs kms:GenerateDataKey* (AWS SNS docs); the grant names the "
        "one key of the stack's topics.",
    ),
]
_STAR_REASON = "No resource-level permission exists for these actions ({actions}); the statement grants nothing else."


def enabled(app: App) -> bool:
    return str(app.node.try_get_context(CONTEXT_FLAG) or "").lower() in ("1", "true", "yes")


def enable(app: App) -> None:
    from aws_cdk import Validations
    from cdk_nag import AwsSolutionsChecks  # dev-only dependency: imported only when asked for

    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))


def acknowledge(scope: IConstruct | None, rule: str, reason: str) -> None:
    """Acknowledge one rule (or one finding, `Rule[Finding]`) on the narrowest construct it applies to."""
    if scope is None:
        raise ValueError(f"{rule}: no construct to acknowledge it on")
    if len(reason) < MIN_REASON:
        raise ValueError(f"{rule}: give the reason in full ({len(reason)} < {MIN_REASON} characters)")
    from aws_cdk import Acknowledgment, Validations

    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def render(value: Any) -> str:
    """A resolved IAM value as cdk-nag names it in a finding: `<Logical.Attr>`, `<AWS::Region>`, joins."""
    if isinstance(value, str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", value)  # a policy variable, as cdk-nag writes it
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        logical, attr = value["Fn::GetAtt"]
        return f"<{logical}.{attr}>"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(p) for p in parts)
    return repr(value)


def _statements(construct: IConstruct) -> list[dict[str, Any]]:
    from aws_cdk import Stack
    from aws_cdk import aws_iam as iam

    stack = Stack.of(construct)
    if isinstance(construct, iam.CfnRole):
        policies = stack.resolve(construct.policies) or []  # resolved L1 structs keep jsii's camelCase keys
        return [s for p in policies for s in (p.get("PolicyDocument") or p["policyDocument"])["Statement"]]
    if isinstance(construct, iam.CfnPolicy):
        return list(stack.resolve(construct.policy_document)["Statement"])
    return []


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def acknowledge_iam_wildcards(stack: Stack) -> None:
    """Acknowledge each IAM5 finding of each role and policy that WILDCARDS or STAR_ACTIONS explains."""
    for construct in stack.node.find_all():
        statements = _statements(construct)
        findings: set[str] = set()
        star_actions: set[str] = set()
        for statement in statements:
            actions = [str(a) for a in _listed(statement.get("Action", []))]
            findings |= {f"Action::{a}" for a in actions if "*" in a}
            resources = [render(r) for r in _listed(statement.get("Resource", []))]
            if "*" in resources:
                star_actions |= set(actions)
            findings |= {f"Resource::{r}" for r in resources if "*" in r and r != "*"}
        if star_actions and star_actions <= STAR_ACTIONS:
            reason = _STAR_REASON.format(actions=", ".join(sorted(star_actions)))
            acknowledge(construct, "AwsSolutions-IAM5[Resource::*]", reason)
        for finding in sorted(findings):
            why = next((why for pattern, why in WILDCARDS if pattern.fullmatch(finding)), None)
            if why is not None:
                acknowledge(construct, f"AwsSolutions-IAM5[{finding}]", why)
