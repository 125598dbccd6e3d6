"""The synthesized CloudFormation template: lint-clean, and every rule of ARCHITECTURE.md §2 / ADR 0002 holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from chalice.utils import to_cfn_resource_name

from chalicelib.core import catalog
from chalicelib.core.http import ROUTES
from chalicelib.core.identity import ENTERPRISE_CLAIM, PARK_SCOPE, SCOPE_CLAIM, Role
from chalicelib.core.settings import PACKAGING, env_names
from tests.infra.cfn import PREFIX, ROOT, as_list, functions, of_type, ref_id, target

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("infra")]


@pytest.fixture(scope="module")
def chalice_app(app: Any) -> Any:
    return app


def test_cfn_lint_reports_no_errors(synth: Any) -> None:
    from cfnlint.api import lint_file

    (path,) = synth.glob("*.template.json")
    matches = lint_file(path)
    errors = [f"{m.rule.id} {m.message} @ {'/'.join(map(str, m.path))}" for m in matches if m.rule.id.startswith("E")]
    assert not errors, "\n".join(errors)


def test_functions_match_the_chalice_app(resources: dict[str, Any], chalice_app: Any) -> None:
    expected = {"APIHandler"} if chalice_app.routes else set()
    expected |= {to_cfn_resource_name(e.name) for e in chalice_app.event_sources}
    expected |= {to_cfn_resource_name(f.name) for f in chalice_app.pure_lambda_functions}
    assert set(functions(resources)) == expected


def test_every_sqs_source_reports_batch_item_failures(resources: dict[str, Any], chalice_app: Any) -> None:
    queues = of_type(resources, "AWS::SQS::Queue")
    sqs_functions = {
        to_cfn_resource_name(e.name) for e in chalice_app.event_sources if type(e).__name__ == "SQSEventConfig"
    }
    seen = set()
    for fid, fn in functions(resources).items():
        for event in fn["Properties"].get("Events", {}).values():
            if event["Type"] != "SQS":
                continue
            seen.add(fid)
            props = event["Properties"]
            assert props.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], fid
            assert ref_id(props["Queue"]) in queues, f"{fid}: queue must be a GetAtt of this stack's queue"
    assert seen == sqs_functions


def test_every_function_has_an_errors_alarm_and_tracing(resources: dict[str, Any]) -> None:
    alarmed = set()
    for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        if p.get("Namespace") == "AWS/Lambda" and p.get("MetricName") == "Errors":
            assert p["Threshold"] == 0 and p["ComparisonOperator"] == "GreaterThanThreshold"
            assert p["AlarmActions"], "an alarm nobody hears"
            (dim,) = p["Dimensions"]
            alarmed.add(ref_id(dim["Value"]))
    fns = functions(resources)
    assert fns and alarmed == set(fns)
    for fid, fn in fns.items():
        assert fn["Properties"]["Tracing"] == "Active", fid
        assert ref_id(fn["Properties"]["LoggingConfig"]["LogGroup"]) in of_type(resources, "AWS::Logs::LogGroup")


def test_every_dlq_has_an_alarm(resources: dict[str, Any]) -> None:
    queues = of_type(resources, "AWS::SQS::Queue")
    dlqs = {
        ref_id(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    assert len(dlqs) == len(catalog.QUEUES)
    alarmed = set()
    for alarm in of_type(resources, "AWS::CloudWatch::Alarm").values():
        p = alarm["Properties"]
        if p.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert p["Namespace"] == "AWS/SQS" and p["Threshold"] == 0
            assert p["ComparisonOperator"] == "GreaterThanThreshold" and p["AlarmActions"]
            (dim,) = p["Dimensions"]
            alarmed.add(ref_id(dim["Value"]))
    assert alarmed == dlqs


def test_tables_are_on_demand_with_pitr_and_sse(resources: dict[str, Any]) -> None:
    tables = of_type(resources, "AWS::DynamoDB::Table")
    assert len(tables) == len(catalog.TABLE_MODELS)
    for tid, table in tables.items():
        p = table["Properties"]
        assert p["BillingMode"] == "PAY_PER_REQUEST", tid
        assert p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, tid
        assert p["SSESpecification"]["SSEEnabled"] is True, tid
        assert p["DeletionProtectionEnabled"] is True, tid
        assert p["TableName"].startswith(f"{PREFIX}-"), tid


def test_quarantine_expires_by_ttl(resources: dict[str, Any]) -> None:
    """Quarantine rows are kept 30 days: the table has DynamoDB TTL on the model's TTLAttribute."""
    table = next(
        t["Properties"]
        for t in of_type(resources, "AWS::DynamoDB::Table").values()
        if t["Properties"]["TableName"].endswith("-quarantine")
    )
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}


def test_access_records_are_kept_at_least_400_days(resources: dict[str, Any]) -> None:
    """Access records (5.3.1, ≥ 1 year): TTL on the model's attribute, set to the event time plus a retention
    every Lambda gets as at least 400 days; no delete permission (append-only)."""
    tables = {
        t["Properties"]["TableName"]: t["Properties"] for t in of_type(resources, "AWS::DynamoDB::Table").values()
    }
    events = tables[f"{PREFIX}-access-events"]
    assert events["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert all("TimeToLiveSpecification" not in tables[f"{PREFIX}-access-{t}"] for t in ("appointments", "presence"))
    for fid, fn in functions(resources).items():
        assert int(fn["Properties"]["Environment"]["Variables"]["CHEMPARK_ACCESS_RETENTION_DAYS"]) >= 400, fid


def test_vehicle_positions_are_kept_like_access_records(resources: dict[str, Any]) -> None:
    """Hazmat vehicle positions (5.3.1 定位追踪) are records too: the same TTL attribute and ≥ 400-day retention
    (checked above for every function), append-only; the per-vehicle track is state and never expires."""
    tables = {
        t["Properties"]["TableName"]: t["Properties"] for t in of_type(resources, "AWS::DynamoDB::Table").values()
    }
    assert tables[f"{PREFIX}-vehicles-positions"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires",
        "Enabled": True,
    }
    assert "TimeToLiveSpecification" not in tables[f"{PREFIX}-vehicles-tracks"]


def test_topics_use_a_customer_managed_key(resources: dict[str, Any]) -> None:
    keys = of_type(resources, "AWS::KMS::Key")
    topics = of_type(resources, "AWS::SNS::Topic")
    assert len(topics) >= len(catalog.TOPICS)
    for tid, topic in topics.items():
        assert ref_id(topic["Properties"]["KmsMasterKeyId"]) in keys, tid
    for key in keys.values():
        if key["Properties"].get("KeyUsage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT":  # KMS rotates no signing key
            assert key["Properties"]["EnableKeyRotation"] is True


def test_queues_and_buckets_are_encrypted_and_private(resources: dict[str, Any]) -> None:
    for qid, queue in of_type(resources, "AWS::SQS::Queue").items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, qid
    buckets = of_type(resources, "AWS::S3::Bucket")
    (access_logs,) = (bid for bid, b in buckets.items() if "access-logs" in json.dumps(b["Properties"]["BucketName"]))
    assert len(buckets) == len(catalog.BUCKETS) + 1  # the catalogue's, and the infra-only access-log bucket
    ssl_enforced = {
        ref_id(p["Properties"]["Bucket"])
        for p in of_type(resources, "AWS::S3::BucketPolicy").values()
        if any(
            s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false" and s["Effect"] == "Deny"
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        )
    }
    expiring = sorted(b.expire_days for b in catalog.BUCKETS if b.expire_days)
    seen_expiry = []
    for bid, bucket in buckets.items():
        p = bucket["Properties"]
        assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"], bid
        assert all(p["PublicAccessBlockConfiguration"].values()), bid
        assert bid in ssl_enforced, bid
        if bid == access_logs:  # network logs are kept >= 6 months (Cybersecurity Law, art. 21)
            assert p["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] >= 183
            continue
        # Every read and write of an archive object or a report is logged.
        assert ref_id(p["LoggingConfiguration"]["DestinationBucketName"]) == access_logs, bid
        assert p["VersioningConfiguration"]["Status"] == "Enabled", bid
        seen_expiry += [
            r["ExpirationInDays"]
            for r in p.get("LifecycleConfiguration", {}).get("Rules", [])
            if "ExpirationInDays" in r
        ]
    assert sorted(seen_expiry) == expiring


def test_api_has_cognito_authorizer_except_on_public_routes(resources: dict[str, Any]) -> None:
    (api,) = of_type(resources, "AWS::Serverless::Api").values()
    body = api["Properties"]["DefinitionBody"]
    (auth,) = body["securityDefinitions"].values()
    assert auth["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    (provider,) = auth["x-amazon-apigateway-authorizer"]["providerARNs"]
    assert provider == {"Fn::GetAtt": [next(iter(of_type(resources, "AWS::Cognito::UserPool"))), "Arn"]}
    assert ROUTES, "no routes registered: the chalice app was not imported"
    for spec in ROUTES:
        operation = body["paths"][spec.path][spec.method.lower()]
        if spec.public:
            assert "security" not in operation, f"{spec.method} {spec.path} must be public"
        else:
            assert operation.get("security"), f"{spec.method} {spec.path} has no authorizer"
    assert {"/health", "/openapi.json"} <= {s.path for s in ROUTES if s.public}


def test_user_pool_has_a_group_per_role_and_the_tenancy_claims(resources: dict[str, Any]) -> None:
    (pool,) = of_type(resources, "AWS::Cognito::UserPool").values()
    p = pool["Properties"]
    assert p["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True  # no self sign-up
    policy = p["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12 and all(
        policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )
    schema = {a["Name"]: a for a in p["Schema"]}
    for claim in (ENTERPRISE_CLAIM, SCOPE_CLAIM):
        assert schema[claim.removeprefix("custom:")]["AttributeDataType"] == "String"
    assert int(schema[SCOPE_CLAIM.removeprefix("custom:")]["StringAttributeConstraints"]["MinLength"]) <= len(
        PARK_SCOPE
    )
    assert p["UserPoolTier"] == "PLUS"  # threat protection (cdk-nag AwsSolutions-COG8)
    assert p["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    groups = {g["Properties"]["GroupName"] for g in of_type(resources, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {r.value for r in Role}
    (client,) = of_type(resources, "AWS::Cognito::UserPoolClient").values()
    for claim in (ENTERPRISE_CLAIM, SCOPE_CLAIM):  # in the ID token, never writable by the user: tenancy
        assert claim in client["Properties"]["ReadAttributes"]
        assert claim not in client["Properties"]["WriteAttributes"]


def test_functions_get_every_runtime_variable(resources: dict[str, Any]) -> None:
    kinds = {"QUEUE": "AWS::SQS::Queue", "TOPIC": "AWS::SNS::Topic", "BUCKET": "AWS::S3::Bucket"}
    wanted = {q.env for q in catalog.QUEUES} | {t.env for t in catalog.TOPICS} | {b.env for b in catalog.BUCKETS}
    wanted |= {m.env for m in catalog.STATE_MACHINES}
    # every runtime setting, explicitly (core.settings.Settings.as_env); packaging-only ones stay out
    wanted |= {var for name, var in env_names().items() if name not in PACKAGING}
    for fid, fn in functions(resources).items():
        env = fn["Properties"]["Environment"]["Variables"]
        assert env["CHEMPARK_STAGE"] == "prod" and env["CHEMPARK_RESOURCE_PREFIX"] == PREFIX, fid
        assert env["CHEMPARK_AUTH_MODE"] == "cognito", fid
        assert env["POWERTOOLS_SERVICE_NAME"] == "chempark" and env["POWERTOOLS_METRICS_NAMESPACE"] == "ChemPark"
        assert env["PYDANTIC_DISABLE_PLUGINS"] == "__all__", fid  # the cold start bench measures with it
        assert wanted <= set(env), f"{fid} misses {sorted(wanted - set(env))}"
        for name in wanted:
            kind = kinds.get(name.split("_")[1])
            if kind:
                assert resources[target(env[name])]["Type"] == kind, f"{fid}: {name}"


def test_outputs(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert {"ApiUrl", "UserPoolId", "UserPoolClientId"} <= set(outputs)
    rules = sorted(p.stem for p in (ROOT / "iot_rules").glob("*.json"))
    for stem in rules:
        topic = outputs[f"{to_cfn_resource_name(stem)}Topic"]["Value"]
        assert topic.startswith("$aws/rules/") or "/" in topic


def test_firehose_archives_into_the_catalogue_bucket(resources: dict[str, Any]) -> None:
    streams = of_type(resources, "AWS::KinesisFirehose::DeliveryStream")
    wanted = {w for p in (ROOT / "iot_rules").glob("*.json") for w in _streams(p.read_text(encoding="utf-8"))}
    assert {s["Properties"]["DeliveryStreamName"] for s in streams.values()} == {f"{PREFIX}-{w}" for w in wanted}
    for stream in streams.values():
        dest = stream["Properties"]["ExtendedS3DestinationConfiguration"]
        bucket = resources[target(dest["BucketARN"])]
        assert bucket["Type"] == "AWS::S3::Bucket" and dest["ErrorOutputPrefix"]
        assert dest["CompressionFormat"] == "UNCOMPRESSED"  # history.py reads the objects as they are


def test_archive_layout_is_what_history_reads(resources: dict[str, Any]) -> None:
    from chalicelib.telemetry import history

    at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    for stream in of_type(resources, "AWS::KinesisFirehose::DeliveryStream").values():
        dest = stream["Properties"]["ExtendedS3DestinationConfiguration"]
        assert dest["DynamicPartitioningConfiguration"]["Enabled"] is True
        query = {
            p["ParameterName"]: p["ParameterValue"]
            for proc in dest["ProcessingConfiguration"]["Processors"]
            for p in proc["Parameters"]
        }
        # the partition is read from the rule's alias, which no payload key can set (iot_rules/telemetry_ingest.json)
        assert query["MetadataExtractionQuery"] == "{enterprise_id:._topic_enterprise}"
        rendered = dest["Prefix"].replace("!{partitionKeyFromQuery:enterprise_id}", "E1")
        for token, fmt in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H")):
            rendered = rendered.replace(f"!{{timestamp:{token}}}", at.strftime(fmt))
        ms = int(at.timestamp() * 1000)
        assert rendered == f"enterprise_id=E1/{history.hours(ms, ms)[0]}"


def _streams(text: str) -> list[str]:
    from chalicelib.core.catalog import PLACEHOLDER

    return [m.group(2) for m in PLACEHOLDER.finditer(text) if m.group(1) == "stream"]


def test_the_chalice_construct_made_no_roles_of_its_own(resources: dict[str, Any]) -> None:
    roles = of_type(resources, "AWS::IAM::Role")
    assert "DefaultRole" not in roles
    lambda_roles = {
        rid
        for rid, r in roles.items()
        if any(
            "lambda.amazonaws.com" in as_list(s["Principal"].get("Service"))
            for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        )
    }
    used = {ref_id(fn["Properties"]["Role"]) for fn in functions(resources).values()}
    assert used <= lambda_roles
    api_role = ref_id(functions(resources)["APIHandler"]["Properties"]["Role"])
    assert all(
        ref_id(fn["Properties"]["Role"]) != api_role for fid, fn in functions(resources).items() if fid != "APIHandler"
    ), "API role shared"
