"""What the stack is built from, read off the catalogue, the PynamoDB models and the Chalice app (no CDK here)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from chalice.utils import to_cfn_resource_name

from chalicelib.core.catalog import PLACEHOLDER, table_models
from chalicelib.core.settings import get_settings


def logical_of(name: str) -> str:
    """`<prefix>-<logical>` -> `<logical>` (tables are named by their model, the catalogue by logical)."""
    prefix = f"{get_settings().resource_prefix}-"
    if not name.startswith(prefix):
        raise ValueError(f"{name!r} does not carry the resource prefix {prefix!r}")
    return name[len(prefix) :]


def log_group_name(function_id: str) -> str:
    """Explicit per-function log group: IAM names it exactly, and it exists before the function runs."""
    return f"/aws/lambda/{get_settings().resource_prefix}-{function_id}"


@dataclass(frozen=True)
class TableSpec:
    """A table exactly as PynamoDB's own create_table (used by local/provision.py) would create it."""

    logical: str
    name: str
    schema: dict[str, Any]  # PynamoDB ModelSchema: CloudFormation-cased keys already
    stream_view_type: str | None
    ttl_attribute: str | None
    append_only: bool


# Tables whose records must never be removed or rewritten in bulk (5.x audit: append-only, hash-chained).


def tables() -> list[TableSpec]:
    specs = []
    for model in table_models():
        name = model.Meta.table_name
        logical = logical_of(name)
        ttl = model._ttl_attribute()  # the private helpers are what create_table itself calls
        specs.append(
            TableSpec(
                logical=logical,
                name=name,
                schema=model._get_schema(),
                stream_view_type=getattr(model.Meta, "stream_view_type", None),
                ttl_attribute=ttl.attr_name if ttl else None,
                append_only=bool(getattr(model.Meta, "append_only", False)),
            )
        )
    return specs


@dataclass(frozen=True)
class EventSource:
    """One Chalice event source: the function's CFN logical id and the SAM event key chalice gives it."""

    kind: str  # SQSEventConfig, DynamoDBEventConfig, ScheduledEventConfig, SNSEventConfig, ...
    function: str  # chalice handler name
    config: Any

    @property
    def logical_id(self) -> str:
        return to_cfn_resource_name(self.function)

    @property
    def event_key(self) -> str:
        # Mirrors chalice.deploy.appgraph: `<name>-sqs-event-source`, `<name>-event`, ... CamelCased.
        suffix = {
            "SQSEventConfig": "-sqs-event-source",
            "DynamoDBEventConfig": "-dynamodb-event-source",
            "KinesisEventConfig": "-kinesis-event-source",
            "SNSEventConfig": "-sns-subscription",
        }.get(self.kind, "-event")
        return to_cfn_resource_name(self.function + suffix)


@dataclass
class AppShape:
    """The Lambda functions chalice will package, split by how they are triggered (one IAM role each)."""

    api: str | None = None  # "APIHandler" when the app has routes
    sources: list[EventSource] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)  # pure lambda functions (workflow tasks): handler names

    @property
    def event_ids(self) -> list[str]:
        return sorted({s.logical_id for s in self.sources})

    @property
    def task_ids(self) -> list[str]:
        return sorted(to_cfn_resource_name(t) for t in self.tasks)

    @property
    def function_ids(self) -> list[str]:
        return sorted(([self.api] if self.api else []) + self.event_ids + self.task_ids)

    def of_kind(self, kind: str) -> list[EventSource]:
        return [s for s in self.sources if s.kind == kind]


def app_shape(app: Any) -> AppShape:
    shape = AppShape(api="APIHandler" if app.routes else None)
    for source in app.event_sources:
        shape.sources.append(EventSource(type(source).__name__, source.name, source))
    shape.tasks = sorted(f.name for f in app.pure_lambda_functions)
    return shape


def placeholders(text: str) -> list[tuple[str, str, str | None]]:
    """Every `${kind.logical[.attr]}` in a rule or ASL text, in order of appearance, without repeats."""
    seen: dict[tuple[str, str, str | None], None] = {}
    for match in PLACEHOLDER.finditer(text):
        seen[(match.group(1), match.group(2), match.group(3))] = None
    return list(seen)


def substitute(text: str, resolve: Any) -> str:
    """Replace placeholders with `resolve(kind, logical, attr)` (CDK token strings are JSON-safe)."""
    return PLACEHOLDER.sub(lambda m: resolve(m.group(1), m.group(2), m.group(3)), text)


_INTEGRATION = re.compile(r"^arn:[^:]+:states:::(?P<service>[\w-]+):(?P<action>[\w:-]+?)(?:\.(?P<mode>\w+))?$")


def _tasks(states: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every Task state, including those inside Parallel branches and Map iterators."""
    for state in states.values():
        if state.get("Type") == "Task":
            yield state
        for branch in state.get("Branches", []):
            yield from _tasks(branch["States"])
        for key in ("Iterator", "ItemProcessor"):
            if key in state:
                yield from _tasks(state[key]["States"])


def _actions(resource: str) -> list[str]:
    """IAM actions for a Task's Resource: a Lambda ARN placeholder or an `arn:aws:states:::svc:action`."""
    if resource.startswith("${function."):
        return ["lambda:InvokeFunction"]
    match = _INTEGRATION.match(resource)
    if not match:
        raise ValueError(f"Task resource {resource!r}: use a ${{function.<handler>}} or a service integration")
    service, action, mode = match["service"], match["action"], match["mode"]
    if service == "lambda" and action == "invoke":
        return ["lambda:InvokeFunction"]
    if service == "aws-sdk":  # arn:aws:states:::aws-sdk:<service>:<apiAction>
        service, action = action.split(":", 1)
    actions = [f"{service}:{action[0].upper()}{action[1:]}"]
    if service == "states" and mode == "sync":
        actions += ["states:DescribeExecution", "states:StopExecution"]
    return actions


def task_permissions(definition: dict[str, Any]) -> list[tuple[list[str], list[tuple[str, str, str | None]]]]:
    """(IAM actions, placeholders they act on) per Task. A Task that names no placeholder cannot be scoped."""
    out = []
    for task in _tasks(definition["States"]):
        refs = [p for p in placeholders(json.dumps(task)) if p[0] != "role"]
        if not refs:
            raise ValueError(f"Task {task.get('Resource')!r} names no ${{...}} resource: its role cannot be scoped")
        out.append((_actions(task["Resource"]), refs))
    return out


_LOWER_FIRST = re.compile(r"^[a-z]")
# Keys under these names are user data (e.g. Kafka client properties), not CloudFormation property names.
_USER_MAPS = frozenset({"clientProperties"})


def cfn_cased(value: Any) -> Any:
    """An IoT topicRulePayload (API camelCase) as CloudFormation TopicRulePayload (PascalCase) properties."""
    if isinstance(value, list):
        return [cfn_cased(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        cased = _LOWER_FIRST.sub(lambda m: m.group(0).upper(), key)
        out[cased] = item if key in _USER_MAPS else cfn_cased(item)
    return out
