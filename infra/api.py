"""The Chalice app as a CDK construct: stage config, the CDK roles, and event sources wired to CDK resources."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name as camel
from constructs import Node

from chalicelib.audit.handlers import SEQUENCER
from chalicelib.core import catalog, observability, settings
from chalicelib.core.settings import PACKAGING, SECRETS, Settings, env_names
from infra.iam import LambdaRoles
from infra.introspect import AppShape, EventSource, log_group_name
from infra.storage import Data

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_TIMEOUT_S = 30  # API Gateway gives up at 29 s; event Lambdas stay well inside their queue's visibility
# Network logs >= 6 months (Cybersecurity Law, art. 21); one year covers the yearly audits.
LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def load_app(app_settings: dict[str, Any]) -> Any:
    """Import app.py with the auth settings of the stack (the user pool's ARN, or the oidc authorizer's URI)
    in the environment, so every non-public route declares the stack's authorizer (chalicelib.core.authn)."""
    if "app" in sys.modules:
        raise RuntimeError("app.py was imported before the stack's authorizer was known")
    names = env_names()
    for name, value in app_settings.items():
        os.environ[names[name]] = str(value)
    settings.reset()
    sys.path.insert(0, str(ROOT))
    return importlib.import_module("app").app


def deployed_settings(node: Node, auth_mode: str) -> Settings:
    """The Lambdas' settings: this stage's, the stack's auth mode, and any setting given as a CDK context key of
    its own name (`-c unit_ack_s=180`, `-c iot_data_endpoint=https://...`), validated here as at run time."""
    kept_out = PACKAGING | SECRETS  # a secret given as context would sit in the template in plain text
    given = {n: v for n in env_names() if n not in kept_out and (v := node.try_get_context(n)) not in (None, "")}
    base = settings.get_settings().model_dump(include=set(env_names()) - kept_out)
    return Settings.model_validate({**base, "log_level": "INFO", **given, "auth_mode": auth_mode})


# No pydantic plugin is installed: without this, the first model pydantic builds scans the entry points of every
# installed distribution (bench/cold_start.py measures `import app` with the same variable).
COLD_START_ENV = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}


def runtime_env(data: Data, machines: dict[str, str], deployed: Settings, secrets: dict[str, str]) -> dict[str, str]:
    """Every variable the runtime reads: each setting, each secret (a Secrets Manager dynamic reference, resolved
    by CloudFormation at deploy time: infra/secrets.py), then each catalogue resource's env var as a token."""
    names = env_names()
    env = {
        **deployed.as_env(),
        **{names[name]: value for name, value in secrets.items()},
        "POWERTOOLS_SERVICE_NAME": observability.SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": observability.metrics.namespace,
        **COLD_START_ENV,
    }
    for spec, main, _ in data.queues.values():
        env[spec.env] = main.queue_url
    for topic in catalog.TOPICS:
        env[topic.env] = data.topics[topic.logical].topic_arn
    for bucket in catalog.BUCKETS:
        env[bucket.env] = data.buckets[bucket.logical].bucket_name
    for logical, key in data.signing_keys.items():
        env[next(b for b in catalog.BUCKETS if b.logical == logical).key_env] = key.key_id
    for machine in catalog.STATE_MACHINES:
        env[machine.env] = machines[machine.logical]
    return env


def _sam_events(chalice: Chalice) -> dict[str, set[str]] | None:
    """Event keys per function in chalice's sam.json (the L1 `events` property does not survive jsii)."""
    package_dir = getattr(chalice, "_sam_package_dir", None)  # private in chalice 1.34; checked, not relied on
    if not package_dir or not os.path.exists(os.path.join(package_dir, "sam.json")):
        return None
    with open(os.path.join(package_dir, "sam.json"), encoding="utf-8") as handle:
        template = json.load(handle)
    return {
        rid: set(r["Properties"].get("Events", {}))
        for rid, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }


def _wire(chalice: Chalice, source: EventSource, data: Data, events: dict[str, set[str]] | None) -> None:
    if events is not None and source.event_key not in events.get(source.logical_id, set()):
        # An override on a key chalice did not generate would add a half-defined event instead.
        raise LookupError(
            f"{source.logical_id}: chalice named its event {events.get(source.logical_id)}, not {source.event_key}"
        )
    fn = chalice.get_resource(source.logical_id)
    props = f"Events.{source.event_key}.Properties."
    if source.kind == "SQSEventConfig":
        spec, main, _ = data.queue_of(source.config.queue, source.config.queue_arn)
        if spec.visibility_timeout_s < LAMBDA_TIMEOUT_S:  # Lambda refuses such a mapping at deploy time
            raise ValueError(f"queue {spec.name}: visibility timeout below the Lambda timeout")
        # Chalice has no switch for partial batch failures; without it one bad message retries the batch.
        fn.add_property_override(props + "FunctionResponseTypes", ["ReportBatchItemFailures"])
        fn.add_property_override(props + "Queue", main.queue_arn)  # GetAtt: the queue exists before the ESM
    elif source.kind == "DynamoDBEventConfig":
        fn.add_property_override(props + "Stream", data.table_of_stream(source.config.stream_arn).table_stream_arn)
        fn.add_property_override(props + "FunctionResponseTypes", ["ReportBatchItemFailures"])
    elif source.kind == "SNSEventConfig":
        fn.add_property_override(props + "Topic", data.topic_of(source.config.topic).topic_arn)
    elif source.kind not in ("ScheduledEventConfig", "CloudWatchEventConfig"):
        raise ValueError(f"{source.function}: no infra wiring for {source.kind}")


def hoist_environment(path: str) -> None:
    """Write the environment every function of the SAM template shares once, in its Globals section (the SAM
    transform merges it into each function at deploy time; a function's own variables win). Chalice copies the
    stage's ~110 variables into each of ~20 functions, about 100 KB of CloudFormation's 1 MB template limit."""
    with open(path, encoding="utf-8") as handle:
        template = json.load(handle)
    fns = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"]
    envs = [fn.get("Environment", {}).get("Variables", {}) for fn in fns]
    if len(fns) < 2 or not all(envs):
        return
    shared = {k: v for k, v in envs[0].items() if all(k in e and e[k] == v for e in envs[1:])}
    for fn, env in zip(fns, envs, strict=True):
        own = {k: v for k, v in env.items() if k not in shared}
        if own:
            fn["Environment"] = {"Variables": own}
        else:
            del fn["Environment"]
    template.setdefault("Globals", {}).setdefault("Function", {})["Environment"] = {"Variables": shared}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(template, handle, indent=2)


class _Chalice(Chalice):
    """Chalice's construct, with the functions' shared environment hoisted into SAM Globals (hoist_environment)."""

    def _generate_sam_template_with_assets(self, chalice_out_dir: str, package_id: str) -> str:
        path: str = super()._generate_sam_template_with_assets(chalice_out_dir, package_id)
        hoist_environment(path)
        return path


def build(scope: Any, data: Data, roles: LambdaRoles, shape: AppShape, env: dict[str, str]) -> Chalice:
    chalice = _Chalice(
        scope,
        "Api",
        source_dir=str(ROOT),
        stage_config={
            # IAM comes from infra/iam.py: chalice would only read app.py, not chalicelib, for its policies.
            "manage_iam_role": False,
            "autogen_policy": False,
            # Stage-level settings apply to every function; event Lambdas are the default, others overridden below.
            "iam_role_arn": roles.events.role_arn,
            "environment_variables": env,
            "xray": True,
            "lambda_timeout": LAMBDA_TIMEOUT_S,
            "lambda_memory_size": 512,
            "api_gateway_stage": "api",
            "api_gateway_endpoint_type": "REGIONAL",
        },
    )
    for fid in shape.function_ids:
        # Not chalice's log_retention_in_days: its LogGroup Fn::Sub names `ApiHandler`, which the SAM
        # template calls `APIHandler`. LoggingConfig also makes the function depend on its log group.
        group = logs.LogGroup(
            scope,
            f"{fid}Logs",
            log_group_name=log_group_name(fid),
            retention=LOG_RETENTION,
            removal_policy=RemovalPolicy.RETAIN,
        )
        chalice.get_resource(fid).add_property_override("LoggingConfig.LogGroup", group.log_group_name)
    if shape.api:
        chalice.get_resource(shape.api).add_property_override("Role", roles.api.role_arn)
        chalice.get_resource("RestAPI").add_property_override("TracingEnabled", True)  # X-Ray from the edge
    for task in shape.task_ids:
        chalice.get_resource(task).add_property_override("Role", roles.tasks.role_arn)
    # The audit sequencer (docs/audit.md): its own role, and one run at a time (the chain has one writer).
    sequencer = chalice.get_resource(camel(SEQUENCER))
    sequencer.add_property_override("Role", roles.audit.role_arn)
    sequencer.add_property_override("ReservedConcurrentExecutions", 1)
    events = _sam_events(chalice)
    for source in shape.sources:
        _wire(chalice, source, data, events)
    return chalice
