"""IoT topic rules from iot_rules/*.json, their Firehose archive streams, and an IoT role scoped to their actions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.core import catalog
from chalicelib.core.catalog import rule_files, rule_name
from infra.introspect import cfn_cased, placeholders, substitute
from infra.refs import Refs

# What the rule's role must be allowed for each action kind (a rule action acts as the role).
ACTION_PERMISSIONS: dict[str, list[str]] = {
    "sqs": ["sqs:SendMessage"],
    "firehose": ["firehose:PutRecord", "firehose:PutRecordBatch"],
    "sns": ["sns:Publish"],
    "dynamoDBv2": ["dynamodb:PutItem"],
    "dynamoDB": ["dynamodb:PutItem"],
    "s3": ["s3:PutObject"],
    "stepFunctions": ["states:StartExecution"],
    "lambda": [],  # invoked through a resource policy on the function (see _grant), not the role
}
# The archive layout chalicelib/telemetry/history.py reads and local/bridge.py writes:
# `enterprise_id=<id>/YYYY/MM/DD/HH/`. One enterprise's hour is one prefix, so a history query lists only
# what that enterprise produced then. The enterprise comes from the rule SQL (`topic(2) AS _topic_enterprise`):
# the partition key is named after the prefix, the JSON field it is read from is the rule's alias.
PARTITION_KEY = "enterprise_id"
PARTITION_FIELD = "_topic_enterprise"
_HOUR = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/"
ARCHIVE_PREFIX = f"{PARTITION_KEY}=!{{partitionKeyFromQuery:{PARTITION_KEY}}}/{_HOUR}"
_FROM = re.compile(r"\bFROM\s+'([^']+)'", re.IGNORECASE)


def _param(name: str, value: str) -> firehose.CfnDeliveryStream.ProcessorParameterProperty:
    return firehose.CfnDeliveryStream.ProcessorParameterProperty(parameter_name=name, parameter_value=value)


def _stream(scope: Construct, refs: Refs, logical: str) -> firehose.CfnDeliveryStream:
    """`${stream.<logical>}`: a Direct PUT delivery stream into the catalogue bucket of the same name."""
    bucket = refs.data.buckets[logical]
    base = camel(logical)
    log_group = logs.LogGroup(
        scope, f"{base}DeliveryLogs", retention=logs.RetentionDays.THREE_MONTHS, removal_policy=RemovalPolicy.DESTROY
    )
    log_stream = log_group.add_stream("S3Delivery", log_stream_name="S3Delivery")
    role = iam.Role(scope, f"{base}DeliveryRole", assumed_by=iam.ServicePrincipal("firehose.amazonaws.com"))
    role.add_to_policy(
        iam.PolicyStatement(
            actions=[
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
                "s3:PutObject",
            ],
            resources=[bucket.bucket_arn, f"{bucket.bucket_arn}/*"],
        )
    )
    log_group.grant_write(role)
    stream = firehose.CfnDeliveryStream(
        scope,
        f"{base}DeliveryStream",
        delivery_stream_name=catalog.resource_name(logical),  # what local.provision resolves it to
        delivery_stream_type="DirectPut",
        delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
            key_type="AWS_OWNED_CMK"
        ),
        extended_s3_destination_configuration=firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty(
            bucket_arn=bucket.bucket_arn,
            role_arn=role.role_arn,
            prefix=ARCHIVE_PREFIX,
            error_output_prefix=f"errors/!{{firehose:error-output-type}}/{_HOUR}",
            # Dynamic partitioning needs >= 64 MB buffers; 5 min keeps S3 PUTs (cost) per enterprise low.
            buffering_hints=firehose.CfnDeliveryStream.BufferingHintsProperty(interval_in_seconds=300, size_in_m_bs=64),
            dynamic_partitioning_configuration=firehose.CfnDeliveryStream.DynamicPartitioningConfigurationProperty(
                enabled=True
            ),
            processing_configuration=firehose.CfnDeliveryStream.ProcessingConfigurationProperty(
                enabled=True,
                processors=[
                    firehose.CfnDeliveryStream.ProcessorProperty(
                        type="MetadataExtraction",
                        parameters=[
                            _param("MetadataExtractionQuery", f"{{{PARTITION_KEY}:.{PARTITION_FIELD}}}"),
                            _param("JsonParsingEngine", "JQ-1.6"),
                        ],
                    )
                ],
            ),
            # Uncompressed newline-delimited JSON: history.py reads the objects as they are (no gunzip).
            compression_format="UNCOMPRESSED",
            file_extension=".jsonl",
            cloud_watch_logging_options=firehose.CfnDeliveryStream.CloudWatchLoggingOptionsProperty(
                enabled=True, log_group_name=log_group.log_group_name, log_stream_name=log_stream.log_stream_name
            ),
        ),
    )
    # Firehose checks its S3 access when the stream is created: wait for the policy, not just the role.
    stream.node.add_dependency(role.node.find_child("DefaultPolicy"))
    return stream


def _grant(scope: Construct, role: iam.Role, action: dict[str, Any], refs: Refs, rule: str) -> None:
    ((kind, body),) = action.items()
    if kind not in ACTION_PERMISSIONS:
        raise ValueError(f"IoT rule action {kind!r}: add its permissions to infra/rules.py ACTION_PERMISSIONS")
    actions = ACTION_PERMISSIONS[kind]
    for target_kind, logical, _attr in placeholders(json.dumps(body)):
        if target_kind == "function" and kind == "lambda":
            # IoT invokes through the function's resource policy, limited to this rule.
            lambda_.CfnPermission(
                scope,
                f"{camel(rule)}{camel(logical)}Invoke",
                action="lambda:InvokeFunction",
                function_name=refs.value("function", logical),
                principal="iot.amazonaws.com",
                source_arn=Stack.of(scope).format_arn(service="iot", resource="rule", resource_name=rule),
            )
        if target_kind == "role" or not actions:
            continue
        role.add_to_policy(iam.PolicyStatement(actions=actions, resources=refs.arns(target_kind, logical)))
        for extra in refs.extra(target_kind, actions):
            role.add_to_policy(extra)


@dataclass(frozen=True)
class Rule:
    resource: CfnResource
    publish_topic: str  # where devices publish: Basic Ingest `$aws/rules/<rule>/<filter>` or the filter


def publish_topic(path: Path, payload: dict[str, Any]) -> str:
    """The MQTT topic devices publish to; Basic Ingest skips the broker (and its messaging charge)."""
    match = _FROM.search(payload["sql"])
    topic = match.group(1) if match else ""
    return f"$aws/rules/{rule_name(path)}/{topic}" if payload.get("basicIngest") else topic


def build(scope: Construct, refs: Refs, files: list[Path] | None = None) -> dict[str, Rule]:
    role = iam.Role(
        scope,
        "IotRuleRole",
        assumed_by=iam.ServicePrincipal("iot.amazonaws.com"),
        description="IoT topic rule actions (iot_rules/*.json)",
    )
    refs.roles.setdefault("iot", role)
    out = {}
    for path in rule_files() if files is None else files:
        text = path.read_text(encoding="utf-8")
        for kind, logical, _attr in placeholders(text):
            if kind == "stream" and logical not in refs.streams:
                refs.streams[logical] = _stream(scope, refs, logical)
        raw = json.loads(text)
        payload = json.loads(substitute(text, refs.value))
        body = {k: v for k, v in payload.items() if k not in ("basicIngest", "comment")}  # not API fields
        rule = CfnResource(
            scope,
            f"{camel(path.stem)}Rule",
            type="AWS::IoT::TopicRule",
            properties={"RuleName": rule_name(path), "TopicRulePayload": cfn_cased(body)},
        )
        for action in [*raw.get("actions", []), *([raw["errorAction"]] if raw.get("errorAction") else [])]:
            _grant(scope, role, action, refs, rule_name(path))
        out[path.stem] = Rule(rule, publish_topic(path, raw))
    policy = role.node.try_find_child("DefaultPolicy")
    for entry in out.values():  # the role's policy (not just the role) exists before a rule first fires
        if policy is not None:
            entry.resource.node.add_dependency(policy)
    return out
