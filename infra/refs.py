"""`${kind.logical[.attr]}` placeholders as CDK tokens (values) and as IAM resource ARNs (permissions).

The AWS counterpart of local.provision.Resolver: the same placeholder grammar, resolved to this stack's
resources instead of moto's, so iot_rules/*.json and stepfunctions/*.asl.json serve both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_lambda as lambda_
from chalice.utils import to_cfn_resource_name as camel

from chalicelib.core import catalog
from infra.storage import Data, table_arns


def machine_arn(stack: Stack, name: str) -> str:
    """A state machine's ARN from its explicit name: env vars and roles need it before the machine exists."""
    return stack.format_arn(
        service="states", resource="stateMachine", resource_name=name, arn_format=ArnFormat.COLON_RESOURCE_NAME
    )


@dataclass
class Refs:
    stack: Stack
    data: Data
    function: Callable[[str], lambda_.IFunction]  # chalice handler name -> function (chalice.get_function)
    machines: dict[str, str]  # logical -> ARN
    roles: dict[str, iam.IRole] = field(default_factory=dict)  # `${role.<r>}`: e.g. "iot" (rules.py)
    streams: dict[str, firehose.CfnDeliveryStream] = field(default_factory=dict)  # `${stream.<s>}` (rules.py)

    def _fn(self, handler: str) -> lambda_.IFunction:
        return self.function(camel(handler))

    def value(self, kind: str, logical: str, attr: str | None = None) -> str:
        """What local.provision.Resolver yields for the same placeholder, as a token of this stack."""
        if kind == "queue":
            _, main, _ = self.data.queues[logical]
            return main.queue_url if attr in (None, "url") else main.queue_arn
        if kind == "topic":
            return self.data.topics[logical].topic_arn
        if kind == "table":
            table = self.data.tables[logical][1]
            return table.table_name if attr in (None, "name") else table.table_arn
        if kind == "bucket":
            return self.data.buckets[logical].bucket_name
        if kind == "stream":
            return self.streams[logical].ref  # Ref of a delivery stream is its name
        if kind == "function":
            return self._fn(logical).function_arn
        if kind == "role":
            return self.roles[logical].role_arn
        if kind == "sm":
            return self.machines[logical]
        raise ValueError(f"unknown placeholder kind {kind!r} (${{{kind}.{logical}}})")

    def arns(self, kind: str, logical: str) -> list[str]:
        """The IAM resources a grant on the placeholder's resource must name."""
        if kind == "queue":
            return [self.data.queues[logical][1].queue_arn]
        if kind == "topic":
            return [self.data.topics[logical].topic_arn]
        if kind == "table":
            return table_arns(*self.data.tables[logical])
        if kind == "bucket":
            arn = self.data.buckets[logical].bucket_arn
            return [arn, f"{arn}/*"]
        if kind == "stream":
            return [self.streams[logical].attr_arn]
        if kind == "function":
            arn = self._fn(logical).function_arn
            return [arn, f"{arn}:*"]  # versions and aliases too
        if kind == "sm":
            return [self.machines[logical]]
        raise ValueError(f"no IAM resource for placeholder kind {kind!r}")

    def extra(self, kind: str, actions: list[str]) -> list[iam.PolicyStatement]:
        """What else a grant implies: publishing to a KMS-encrypted topic needs the key."""
        if kind == "topic" and any(a.startswith("sns:Publish") for a in actions):
            return [
                iam.PolicyStatement(actions=["kms:GenerateDataKey*", "kms:Decrypt"], resources=[self.data.key.key_arn])
            ]
        return []


def known_machines(stack: Stack) -> dict[str, str]:
    return {m.logical: machine_arn(stack, m.name) for m in catalog.STATE_MACHINES}
