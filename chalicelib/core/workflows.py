"""Step Functions plumbing shared by every workflow: idempotent starts and resuming human steps.

A human step is a `lambda:invoke.waitForTaskToken` task: its Lambda stores the task token on the
record the step is about; the API completes the step with `resume(token, output)`. Tokens are never
shown through the API.
"""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.core import aws, catalog, errors

STEP_EXPIRED = errors.define(
    "STEP_EXPIRED",
    409,
    "该步骤已超时或已被处理，请刷新后重试",
    "The workflow moved on (timeout/escalation) before this call.",
)


def start(machine: str, name: str, payload: dict[str, Any]) -> str:
    """Start an execution named `name` (idempotent: a second start with the same name is a no-op)."""
    sfn = aws.client("stepfunctions")
    arn = catalog.state_machine_arn(machine)
    try:
        return str(
            sfn.start_execution(stateMachineArn=arn, name=name, input=orjson.dumps(payload).decode())["executionArn"]
        )
    except sfn.exceptions.ExecutionAlreadyExists:
        return f"{arn.replace(':stateMachine:', ':execution:')}:{name}"


def resume(token: str, output: dict[str, Any]) -> None:
    """Complete a waiting human step; STEP_EXPIRED when the step already timed out or was completed."""
    sfn = aws.client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=token, output=orjson.dumps(output).decode())
    except (sfn.exceptions.InvalidToken, sfn.exceptions.TaskTimedOut, sfn.exceptions.TaskDoesNotExist) as exc:
        raise STEP_EXPIRED() from exc


def execution_name(*parts: str) -> str:
    """Execution names allow [0-9A-Za-z_-] and 80 characters."""
    name = "-".join(parts)
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:80]
