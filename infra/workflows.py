"""Step Functions Standard workflows from stepfunctions/<asl>, each with a role allowed exactly what it references."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from chalice.utils import to_cfn_resource_name as camel
from constructs import Construct

from chalicelib.core import catalog
from infra.introspect import substitute, task_permissions
from infra.refs import Refs

ASL_DIR = Path(__file__).resolve().parent.parent / "stepfunctions"
_LOG_RETENTION = logs.RetentionDays.ONE_YEAR


def _role(scope: Construct, logical: str, definition: dict[str, Any], refs: Refs) -> iam.Role:
    role = iam.Role(scope, f"{camel(logical)}WorkflowRole", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    for actions, targets in task_permissions(definition):
        for kind, name, _attr in targets:
            role.add_to_policy(iam.PolicyStatement(actions=actions, resources=refs.arns(kind, name)))
            for extra in refs.extra(kind, actions):
                role.add_to_policy(extra)
    return role


def build(
    scope: Construct,
    refs: Refs,
    machines: Sequence[catalog.StateMachine] = catalog.STATE_MACHINES,
    asl_dir: Path = ASL_DIR,
) -> dict[str, sfn.StateMachine]:
    out = {}
    for machine in machines:
        text = (asl_dir / machine.asl).read_text(encoding="utf-8")
        definition = json.loads(text)
        base = camel(machine.logical)
        log_group = logs.LogGroup(
            scope,
            f"{base}WorkflowLogs",
            retention=_LOG_RETENTION,
            log_group_name=f"/aws/vendedlogs/states/{machine.name}",
            removal_policy=RemovalPolicy.RETAIN,
        )
        out[machine.logical] = sfn.StateMachine(
            scope,
            f"{base}Workflow",
            state_machine_name=machine.name,  # explicit: env vars and roles hold its ARN before it exists
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(substitute(text, refs.value)),
            role=_role(scope, machine.logical, definition, refs),
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
        )
    return out
