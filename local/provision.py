"""Provision moto from the catalogue: the same tables, queues, topics, buckets, functions, rules and
state machines that infra/ declares for AWS (tests/infra proves both sides agree).

Placeholders in iot_rules/*.json and stepfunctions/*.asl.json (core.catalog.PLACEHOLDER) are resolved to the
local resources' names, URLs and ARNs.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chalicelib.core import aws, catalog, settings
from chalicelib.core.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"


@dataclass(frozen=True)
class SqsSource:
    function: str
    queue_url: str
    batch_size: int
    window_s: float


@dataclass(frozen=True)
class Schedule:
    function: str
    expression: str


@dataclass
class Provisioned:
    env: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)  # chalice handler name -> function name
    sqs_sources: list[SqsSource] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)  # substituted rule payloads
    state_machines: dict[str, str] = field(default_factory=dict)  # logical -> arn


def sns_arn(name: str) -> str:
    return f"arn:aws:sns:{get_settings().region}:{ACCOUNT}:{name}"


def function_name(handler: str) -> str:
    return f"chempark-{get_settings().stage}-{handler}"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "# code runs in-process (local/moto_patches/)\n")
    return buffer.getvalue()


class Resolver:
    """Turns `${kind.logical.attr}` into the local resource's name, URL or ARN."""

    def __init__(self, out: Provisioned, region: str) -> None:
        self.out, self.region = out, region

    def __call__(self, match: re.Match[str]) -> str:
        kind, logical, attr = match.group(1), match.group(2), match.group(3)
        name = catalog.resource_name(logical)
        if kind == "queue":
            url = self.out.env[catalog.queue(logical).env]
            return url if attr in (None, "url") else f"arn:aws:sqs:{self.region}:{ACCOUNT}:{name}"
        if kind == "topic":
            return f"arn:aws:sns:{self.region}:{ACCOUNT}:{name}"
        if kind == "table":
            return name if attr in (None, "name") else f"arn:aws:dynamodb:{self.region}:{ACCOUNT}:table/{name}"
        if kind in ("bucket", "stream"):
            return name
        if kind == "function":
            return f"arn:aws:lambda:{self.region}:{ACCOUNT}:function:{function_name(logical)}"
        if kind == "role":
            return f"arn:aws:iam::{ACCOUNT}:role/{name}"
        if kind == "sm":
            return f"arn:aws:states:{self.region}:{ACCOUNT}:stateMachine:{name}"
        raise ValueError(f"unknown placeholder kind in {match.group(0)}")

    def text(self, source: str) -> str:
        return catalog.PLACEHOLDER.sub(self, source)


def _tables() -> None:
    for model in catalog.table_models():
        # create_table skips an existing table itself; moto makes tables ACTIVE at once, so nothing to wait for.
        model.create_table(billing_mode="PAY_PER_REQUEST")


def _queues(out: Provisioned) -> None:
    sqs = aws.client("sqs")
    for queue in catalog.QUEUES:
        dlq_url = sqs.create_queue(QueueName=queue.dlq_name, Attributes={"MessageRetentionPeriod": "1209600"})[
            "QueueUrl"
        ]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(
            QueueName=queue.name,
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_s),
                "MessageRetentionPeriod": str(queue.retention_s),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive)}
                ),
            },
        )["QueueUrl"]
        out.env[queue.env] = url


def _topics_and_buckets(out: Provisioned) -> None:
    sns, s3 = aws.client("sns"), aws.client("s3")
    for topic in catalog.TOPICS:
        out.env[topic.env] = sns.create_topic(Name=topic.name, Attributes={"DisplayName": topic.display_name})[
            "TopicArn"
        ]
    for platform, kind in catalog.PUSH_APPS.items():  # as infra/push.py; moto takes any credential offline
        credential = {"PlatformCredential": "local-placeholder", "PlatformPrincipal": "local-placeholder"}
        name = catalog.resource_name(f"push-{platform}")
        sns.create_platform_application(Name=name, Platform=kind, Attributes=credential)  # catalog.push_app_arn
    for bucket in catalog.BUCKETS:
        name = catalog.resource_name(bucket.logical)
        if bucket.lock_days:  # as infra/storage.py: Object Lock, compliance mode, default retention
            s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
            retention = {"Mode": "COMPLIANCE", "Days": bucket.lock_days}
            s3.put_object_lock_configuration(
                Bucket=name,
                ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}},
            )
        else:
            s3.create_bucket(Bucket=name)
        out.env[bucket.env] = name
        if bucket.signing_key:  # moto signs and verifies with real ECDSA keys, offline
            created = aws.client("kms").create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description=name)
            out.env[bucket.key_env] = created["KeyMetadata"]["KeyId"]


def _roles(resolve: Resolver) -> dict[str, str]:
    iam = aws.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com", "iot.amazonaws.com"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    arns = {}
    for logical in ("lambda", "sfn", "iot"):
        name = catalog.resource_name(logical)
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        arns[logical] = resolve.text(f"${{role.{logical}}}")
    return arns


def _functions(out: Provisioned, role_arn: str, app_module: str) -> None:
    app = importlib.import_module(app_module).app
    lam = aws.client("lambda")
    sources = {e.name: e for e in app.event_sources}
    handlers = {e.name: e.handler_string for e in app.event_sources}
    handlers.update({f.name: f.handler_string for f in app.pure_lambda_functions})
    env = dict(out.env)
    for name, handler in sorted(handlers.items()):
        fn = function_name(name)
        lam.create_function(
            FunctionName=fn,
            Runtime="python3.11",
            Role=role_arn,
            Handler=handler,
            Code={"ZipFile": _zip()},
            Timeout=60,
            MemorySize=512,
            Environment={"Variables": env},
        )
        out.functions[name] = fn
        source = sources.get(name)
        if source is None:
            continue
        if type(source).__name__ == "SQSEventConfig":
            url = aws.client("sqs").get_queue_url(QueueName=source.queue)["QueueUrl"]
            arn = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            # Disabled: moto's own mapping ignores batchItemFailures; local/poller.py drives it instead.
            lam.create_event_source_mapping(
                EventSourceArn=arn,
                FunctionName=fn,
                BatchSize=source.batch_size,
                Enabled=False,
                MaximumBatchingWindowInSeconds=source.maximum_batching_window_in_seconds or 0,
                FunctionResponseTypes=["ReportBatchItemFailures"],
            )
            out.sqs_sources.append(
                SqsSource(fn, url, source.batch_size, float(source.maximum_batching_window_in_seconds or 0))
            )
        elif type(source).__name__ == "SNSEventConfig":
            topic_arn = source.topic if source.topic.startswith("arn:") else sns_arn(source.topic)
            aws.client("sns").subscribe(
                TopicArn=topic_arn,
                Protocol="lambda",
                Endpoint=lam.get_function(FunctionName=fn)["Configuration"]["FunctionArn"],
            )
        elif hasattr(source, "schedule_expression"):
            expression = source.schedule_expression
            out.schedules.append(Schedule(fn, expression if isinstance(expression, str) else expression.to_string()))


def _state_machines(out: Provisioned, resolve: Resolver, role_arn: str) -> None:
    sfn = aws.client("stepfunctions")
    for machine in catalog.STATE_MACHINES:
        definition = resolve.text((ROOT / "stepfunctions" / machine.asl).read_text())
        arn = sfn.create_state_machine(name=machine.name, definition=definition, roleArn=role_arn)["stateMachineArn"]
        out.env[machine.env] = arn
        out.state_machines[machine.logical] = arn


def _rules(out: Provisioned, resolve: Resolver) -> None:
    iot = aws.client("iot")
    for path in catalog.rule_files():
        payload = json.loads(resolve.text(path.read_text()))
        body = {k: v for k, v in payload.items() if k not in ("basicIngest", "comment")}
        name = catalog.rule_name(path)
        iot.create_topic_rule(ruleName=name, topicRulePayload=body)
        out.rules.append({"name": name, **payload})


def provision(app_module: str = "app") -> Provisioned:
    """Create every resource in the moto server AWS_ENDPOINT_URL points at; return the env to run with."""
    out = Provisioned()
    resolve = Resolver(out, get_settings().region)
    roles = _roles(resolve)
    _tables()
    _queues(out)
    _topics_and_buckets(out)

    _publish(out.env)  # functions and rules below read what was just created
    _functions(out, roles["lambda"], app_module)
    _state_machines(out, resolve, roles["sfn"])
    _publish(out.env)
    _rules(out, resolve)
    return out


def _publish(env: dict[str, str]) -> None:
    """Hand the resources' names to this process's settings (as infra hands them to the Lambdas)."""
    os.environ.update(env)
    settings.reset()
