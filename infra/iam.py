"""Least-privilege roles for the Lambda functions: one for the REST API, one for event Lambdas, one for tasks.

Chalice reads only app.py for its auto-policies, so IAM comes from here (manage_iam_role: false). Every
statement names this stack's own resources; the few `"*"` resources are the actions AWS offers no
resource-level permission for, each marked where it is granted.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from chalicelib.core import catalog, observability
from infra.introspect import AppShape, log_group_name
from infra.storage import Data, signer_role_name, table_arns

METRICS_NAMESPACE = observability.metrics.namespace  # Powertools EMF namespace of the runtime
COMMAND_TOPICS = "park/*/commands/*"  # device commands: park/{enterprise_id}/commands/{device_id}
LIVE_TOPICS = "live/*"  # the consoles' live channel: live/park/{park}/{type}, live/enterprise/{id}/{type}
_READ = [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
]
_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
# BatchWriteItem can delete as well as put, so it is withheld from append-only tables along with DeleteItem.
_REMOVE = ["dynamodb:DeleteItem", "dynamodb:BatchWriteItem"]


# The audit tables (docs/audit.md): every function may add a pending entry (PutItem, never UpdateItem or
# DeleteItem) and read both; only the sequencer's role writes the chain and removes what it chained.
AUDIT_CHAIN, AUDIT_PENDING = "audit", "audit-pending"
AUDIT_CHECKPOINTS = "audit-checkpoints"  # the catalogue bucket (Object Lock) and its signing key


@dataclass
class LambdaRoles:
    api: iam.Role
    events: iam.Role
    tasks: iam.Role
    audit: iam.Role  # the audit sequencer: the chain's only writer and the checkpoints' only signer


def _stmt(actions: list[str], resources: list[str], **kw: object) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=sorted(set(actions)), resources=resources, **kw)  # type: ignore[arg-type]


def _common(stack: Stack, data: Data, machines: list[str]) -> list[iam.PolicyStatement]:
    out = [
        # The log groups are created by infra/api.py (LoggingConfig); functions only write streams.
        _stmt(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [
                stack.format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=f"{log_group_name('*')}:*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        ),
        # "*": X-Ray trace upload has no resource-level permissions.
        _stmt(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]),
        # "*": PutMetricData has no resources; the namespace condition is the only scope there is.
        _stmt(
            ["cloudwatch:PutMetricData"],
            ["*"],
            conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
        ),
        _stmt(
            ["iot:Publish"],
            [stack.format_arn(service="iot", resource="topic", resource_name=t) for t in (COMMAND_TOPICS, LIVE_TOPICS)],
        ),
        # GET /live/connection attaches the live channel's IoT policy to the caller's Cognito identity.
        _stmt(
            ["iot:AttachPolicy"],
            [stack.format_arn(service="iot", resource="policy", resource_name=catalog.resource_name("live-console"))],
        ),
        # ... after finding the stack's identity pool by name (chalicelib/live/credentials.py): listing has no
        # resource-level permission; describing is scoped to this account's pools.
        _stmt(["cognito-identity:ListIdentityPools"], ["*"]),
        _stmt(
            ["cognito-identity:DescribeIdentityPool"],
            [stack.format_arn(service="cognito-identity", resource="identitypool", resource_name="*")],
        ),
    ]
    audit = (AUDIT_CHAIN, AUDIT_PENDING)
    for append_only in (False, True):  # one statement per kind keeps the inline policy far below 10 KB
        arns = [
            arn
            for spec, table in data.tables.values()
            if spec.append_only == append_only and spec.logical not in audit
            for arn in table_arns(spec, table)
        ]
        if arns:
            out.append(_stmt(_READ + _WRITE + ([] if append_only else _REMOVE), arns))
    if AUDIT_CHAIN in data.tables:
        out.append(_stmt(_READ, _arns(data, AUDIT_CHAIN)))
        out.append(_stmt([*_READ, "dynamodb:PutItem"], _arns(data, AUDIT_PENDING)))
    queues = [main.queue_arn for _, main, _ in data.queues.values()]
    if queues:
        out.append(_stmt(["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], queues))
    topics = [t.topic_arn for t in data.topics.values()]
    if topics:
        out.append(_stmt(["sns:Publish", "sns:GetTopicAttributes"], topics))
        out.append(_stmt(["kms:GenerateDataKey*", "kms:Decrypt"], [data.key.key_arn]))
    if data.buckets:
        writable = [b for logical, b in data.buckets.items() if logical not in data.signing_keys]
        out.append(_stmt(["s3:GetObject", "s3:PutObject"], [f"{b.bucket_arn}/*" for b in writable]))
        signed = [f"{data.buckets[logical].bucket_arn}/*" for logical in data.signing_keys]
        if signed:  # signed documents are read (and their signatures verified) by anyone, written by the signer
            out.append(_stmt(["s3:GetObject"], signed))
            out.append(_stmt(["kms:Verify", "kms:GetPublicKey"], [k.key_arn for k in data.signing_keys.values()]))
        # Listing a prefix (telemetry history reads one enterprise's hour prefixes) is a bucket-level action.
        out.append(_stmt(["s3:ListBucket"], [b.bucket_arn for b in data.buckets.values()]))
    if machines:
        out.append(_stmt(["states:StartExecution"], machines))
    # Mobile push (notify.mobile): an endpoint per device token, created, read and deleted with no resource-level
    # permission ("*"), published to only among this stack's platform applications.
    out.append(_stmt(["sns:CreatePlatformEndpoint", "sns:GetEndpointAttributes", "sns:DeleteEndpoint"], ["*"]))
    endpoints = f"*/{catalog.resource_name('push')}-*/*"
    out.append(_stmt(["sns:Publish"], [stack.format_arn(service="sns", resource="endpoint", resource_name=endpoints)]))
    # Alarm SMS (notify/channels.py) go out wherever alarms are dispatched: ingest, sweeps and API routes.
    # A phone number has no ARN; NotResource keeps this statement from reaching any topic.
    out.append(iam.PolicyStatement(actions=["sns:Publish"], not_resources=["arn:*:sns:*:*:*"]))
    return out


def _arns(data: Data, logical: str) -> list[str]:
    spec, table = data.tables[logical]
    return table_arns(spec, table)


def _sequencer(data: Data) -> list[iam.PolicyStatement]:
    """What the audit sequencer adds to the common statements: chain writes, pending removals, signing."""
    out = [
        _stmt([*_READ, "dynamodb:PutItem", "dynamodb:UpdateItem"], _arns(data, AUDIT_CHAIN)),
        _stmt(["dynamodb:DeleteItem"], _arns(data, AUDIT_PENDING)[:1]),
    ]
    if AUDIT_CHECKPOINTS in data.signing_keys:
        out.append(_stmt(["kms:Sign"], [data.signing_keys[AUDIT_CHECKPOINTS].key_arn]))
        out.append(_stmt(["s3:PutObject"], [f"{data.buckets[AUDIT_CHECKPOINTS].bucket_arn}/*"]))
    return out


def _task_response(machines: list[str]) -> list[iam.PolicyStatement]:
    return [_stmt(["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"], machines)]


def _role(
    scope: Construct, cid: str, description: str, statements: list[iam.PolicyStatement], name: str | None = None
) -> iam.Role:
    # Inline: the policy is part of the role, so no event source mapping is created before its permissions.
    return iam.Role(
        scope,
        cid,
        role_name=name,
        description=description,
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        inline_policies={"access": iam.PolicyDocument(statements=statements)},
    )


def build(scope: Construct, data: Data, shape: AppShape, machines: list[str]) -> LambdaRoles:
    """`machines` are state machine ARNs (formatted from their explicit names, so no dependency cycle)."""
    stack = Stack.of(scope)
    common = _common(stack, data, machines)
    respond = _task_response(machines) if machines else []

    api = common + respond
    # "*": ListStateMachines (the /health probe) has no resource-level permissions.
    api.append(_stmt(["states:ListStateMachines"], ["*"]))
    if machines:
        executions = [m.replace(":stateMachine:", ":execution:") + ":*" for m in machines]
        api.append(_stmt(["states:DescribeExecution"], executions))

    events = list(common)
    consumed = {data.queue_of(s.config.queue, s.config.queue_arn)[1] for s in shape.of_kind("SQSEventConfig")}
    if consumed:
        events.append(
            _stmt(
                ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
                sorted(q.queue_arn for q in consumed),
            )
        )
    streams = {data.table_of_stream(s.config.stream_arn) for s in shape.of_kind("DynamoDBEventConfig")}
    if streams:
        events.append(
            _stmt(
                ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
                sorted(f"{t.table_arn}/stream/*" for t in streams),
            )
        )

    tasks = [*common, *respond]
    return LambdaRoles(
        api=_role(scope, "ApiHandlerRole", "chempark REST API handler", api),
        events=_role(scope, "EventFunctionRole", "chempark event Lambdas (SQS, schedules, streams)", events),
        tasks=_role(scope, "TaskFunctionRole", "chempark workflow task Lambdas", tasks),
        audit=_role(
            scope,
            "AuditSequencerRole",
            "chempark audit sequencer: the audit chain's only writer and checkpoint signer",
            [*common, *_sequencer(data)],
            name=signer_role_name(AUDIT_CHECKPOINTS),
        ),
    )
