"""Data resources from the catalogue: DynamoDB tables (from the PynamoDB models), SQS queues + DLQs, SNS topics, S3."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import Aws, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as ddb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.core import catalog
from infra import nag
from infra.introspect import TableSpec, tables

_TYPES = {"S": ddb.AttributeType.STRING, "N": ddb.AttributeType.NUMBER, "B": ddb.AttributeType.BINARY}
DLQ_RETENTION = Duration.days(14)  # the SQS maximum: time to look at and replay what failed
# S3 access logs are delivered under a bucket policy, not the legacy LogDeliveryWrite ACL (which would need
# ACLs on a bucket that enforces bucket-owner ownership). Context must be set before a scope has children.
ACCESS_LOGS_BY_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"
ACCESS_LOG_DAYS = 400  # network logs >= 6 months (Cybersecurity Law, art. 21), covering a yearly audit


@dataclass
class Data:
    """Every catalogue resource by logical name, for the API, rules, workflows, IAM and alarms to reference."""

    key: kms.Key
    tables: dict[str, tuple[TableSpec, ddb.Table]] = field(default_factory=dict)
    queues: dict[str, tuple[catalog.Queue, sqs.Queue, sqs.Queue]] = field(default_factory=dict)  # (spec, main, dlq)
    topics: dict[str, sns.Topic] = field(default_factory=dict)
    buckets: dict[str, s3.Bucket] = field(default_factory=dict)
    signing_keys: dict[str, kms.Key] = field(default_factory=dict)  # by bucket logical (catalog.Bucket.signing_key)
    access_logs: s3.Bucket | None = None  # infra-only: server access logs of the catalogue buckets

    def queue_of(self, name: str | None, arn: str | None = None) -> tuple[catalog.Queue, sqs.Queue, sqs.Queue]:
        """The catalogue queue a Chalice event source names (by queue name, or by an ARN ending in it)."""
        wanted = name or (arn or "").rsplit(":", 1)[-1]
        for entry in self.queues.values():
            if entry[0].name == wanted:
                return entry
        raise LookupError(f"event source queue {wanted!r} is not in catalog.QUEUES")

    def table_of_stream(self, stream_arn: str) -> ddb.Table:
        """The table whose stream a Chalice DynamoDB source names (`...:table/<name>/stream/<label>`)."""
        name = stream_arn.split(":table/", 1)[-1].split("/", 1)[0]
        for spec, table in self.tables.values():
            if spec.name == name and spec.stream_view_type:
                return table
        raise LookupError(f"stream {stream_arn!r}: no catalogue table with a stream named {name!r}")

    def topic_of(self, name_or_arn: str) -> sns.Topic:
        wanted = name_or_arn.rsplit(":", 1)[-1]
        for logical, topic in self.topics.items():
            if catalog.resource_name(logical) == wanted:
                return topic
        raise LookupError(f"event source topic {wanted!r} is not in catalog.TOPICS")


def table_arns(spec: TableSpec, table: ddb.Table) -> list[str]:
    """The table and each of its indexes by name: a grant reaches what the model declares, not `index/*`."""
    indexes = [*spec.schema["global_secondary_indexes"], *spec.schema["local_secondary_indexes"]]
    return [table.table_arn, *(f"{table.table_arn}/index/{i['index_name']}" for i in indexes)]


def _key_attr(spec: TableSpec, key_schema: list[dict[str, str]], key_type: str) -> ddb.Attribute | None:
    types = {a["AttributeName"]: a["AttributeType"] for a in spec.schema["attribute_definitions"]}
    name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == key_type), None)
    return ddb.Attribute(name=name, type=_TYPES[types[name]]) if name else None


def _table(scope: Construct, spec: TableSpec) -> ddb.Table:
    schema = spec.schema
    table = ddb.Table(
        scope,
        f"{camel(spec.logical)}Table",
        # Explicit names: the runtime derives table names from the prefix (PynamoDB Meta.table_name).
        table_name=spec.name,
        partition_key=_key_attr(spec, schema["key_schema"], "HASH"),
        sort_key=_key_attr(spec, schema["key_schema"], "RANGE"),
        billing_mode=ddb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=ddb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        encryption=ddb.TableEncryption.AWS_MANAGED,
        deletion_protection=True,
        removal_policy=RemovalPolicy.RETAIN,
        stream=ddb.StreamViewType[spec.stream_view_type] if spec.stream_view_type else None,
        time_to_live_attribute=spec.ttl_attribute,
    )
    for gsi in schema["global_secondary_indexes"]:
        projection = gsi["projection"]
        table.add_global_secondary_index(
            index_name=gsi["index_name"],
            partition_key=_key_attr(spec, gsi["key_schema"], "HASH"),
            sort_key=_key_attr(spec, gsi["key_schema"], "RANGE"),
            projection_type=ddb.ProjectionType[projection["ProjectionType"]],
            non_key_attributes=projection.get("NonKeyAttributes"),
        )
    for lsi in schema["local_secondary_indexes"]:
        projection, sort_key = lsi["projection"], _key_attr(spec, lsi["key_schema"], "RANGE")
        assert sort_key is not None, f"{spec.name}/{lsi['index_name']}: a local index needs a range key"
        table.add_local_secondary_index(
            index_name=lsi["index_name"],
            sort_key=sort_key,
            projection_type=ddb.ProjectionType[projection["ProjectionType"]],
            non_key_attributes=projection.get("NonKeyAttributes"),
        )
    return table


def _queue(scope: Construct, spec: catalog.Queue) -> tuple[sqs.Queue, sqs.Queue]:
    base = camel(spec.logical)
    # SSE-SQS (SQS-managed keys): encrypted at rest without granting IoT and Lambda a KMS key.
    dlq = sqs.Queue(
        scope,
        f"{base}Dlq",
        queue_name=spec.dlq_name,
        retention_period=DLQ_RETENTION,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
    main = sqs.Queue(
        scope,
        f"{base}Queue",
        queue_name=spec.name,
        visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
        retention_period=Duration.seconds(spec.retention_s),
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=spec.max_receive, queue=dlq),
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
    )
    return main, dlq


def _access_logs(scope: Construct) -> s3.Bucket:
    """Infra-only bucket for S3 server access logs: who read or wrote which archive object or report."""
    bucket = s3.Bucket(
        scope,
        "AccessLogsBucket",
        bucket_name=f"{catalog.resource_name('access-logs')}-{Aws.ACCOUNT_ID}-{Aws.REGION}",
        encryption=s3.BucketEncryption.S3_MANAGED,  # log delivery writes only to SSE-S3 buckets
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="expire",
                expiration=Duration.days(ACCESS_LOG_DAYS),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        ],
        removal_policy=RemovalPolicy.RETAIN,
    )
    nag.acknowledge(
        bucket.node.default_child,
        "AwsSolutions-S1",
        "This is the access-log bucket: logging its own access would log every log delivery, a loop.",
    )
    return bucket


def _bucket(scope: Construct, spec: catalog.Bucket, access_logs: s3.Bucket) -> s3.Bucket:
    rules = []
    if spec.expire_days:
        rules.append(
            s3.LifecycleRule(
                id="expire",
                expiration=Duration.days(spec.expire_days),
                # Versioned bucket: expired objects become noncurrent versions, which must expire too.
                noncurrent_version_expiration=Duration.days(spec.expire_days),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            )
        )
    lock = None
    if spec.lock_days:  # compliance mode: no one, the account root included, shortens or lifts the retention
        lock = s3.ObjectLockRetention.compliance(Duration.days(spec.lock_days))
    return s3.Bucket(
        scope,
        f"{camel(spec.logical)}Bucket",
        object_lock_enabled=bool(spec.lock_days) or None,
        object_lock_default_retention=lock,
        # Bucket names are global: account and region keep `<prefix>-<logical>` from colliding.
        bucket_name=f"{catalog.resource_name(spec.logical)}-{Aws.ACCOUNT_ID}-{Aws.REGION}",
        encryption=s3.BucketEncryption.S3_MANAGED,
        versioned=True,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=rules or None,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=f"{spec.logical}/",
        removal_policy=RemovalPolicy.RETAIN,
    )


def build(scope: Construct) -> Data:
    """Call first on a fresh stack: it sets the S3 feature flag its access-log bucket relies on."""
    if scope.node.try_get_context(ACCESS_LOGS_BY_POLICY) is None:
        scope.node.set_context(ACCESS_LOGS_BY_POLICY, True)
    key = kms.Key(
        scope,
        "TopicsKey",
        alias=f"alias/{catalog.resource_name('topics')}",
        description="SNS topics of chempark-safety",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    # CloudWatch alarms publish to the (encrypted) ops topic; the service needs the key for that.
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],  # "*" = this key, in a key policy
        )
    )
    data = Data(key=key)
    for spec in tables():
        data.tables[spec.logical] = (spec, _table(scope, spec))
    for queue in catalog.QUEUES:
        data.queues[queue.logical] = (queue, *_queue(scope, queue))
    for topic in catalog.TOPICS:
        data.topics[topic.logical] = sns.Topic(
            scope,
            f"{camel(topic.logical)}Topic",
            topic_name=topic.name,
            display_name=topic.display_name,
            master_key=key,
            enforce_ssl=True,
        )
    data.access_logs = _access_logs(scope)
    for bucket in catalog.BUCKETS:
        data.buckets[bucket.logical] = _bucket(scope, bucket, data.access_logs)
        if bucket.signing_key:
            data.signing_keys[bucket.logical] = _signing_key(scope, bucket)
    return data


def signer_role_name(logical: str) -> str:
    """The one role that may sign with a bucket's key (infra/iam.py creates it under this explicit name, so the
    key policy can name it without a dependency cycle between the key and the role's policy)."""
    return catalog.resource_name(f"{logical}-signer")


def _signing_key(scope: Construct, spec: catalog.Bucket) -> kms.Key:
    """Asymmetric key for the bucket's signed documents; its policy denies kms:Sign to every principal but the
    signer role, whatever IAM policy another principal is given (docs/audit.md: the API roles cannot sign)."""
    name = signer_role_name(spec.logical)
    signer = Stack.of(scope).format_arn(service="iam", region="", resource="role", resource_name=name)
    key = kms.Key(
        scope,
        f"{camel(spec.logical)}SigningKey",
        alias=f"alias/{catalog.resource_name(spec.logical)}",
        description=f"signs {spec.logical} (chempark-safety)",
        key_spec=kms.KeySpec.ECC_NIST_P256,
        key_usage=kms.KeyUsage.SIGN_VERIFY,
        removal_policy=RemovalPolicy.RETAIN,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["kms:Sign"],
            resources=["*"],  # "*" = this key, in a key policy
            conditions={"ArnNotEquals": {"aws:PrincipalArn": signer}},
        )
    )
    return key
