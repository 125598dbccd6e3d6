"""Subprocess for test_workflows.py: a sample workflow through infra.workflows, without packaging the app.

catalog.STATE_MACHINES may still be empty, yet the generic path (placeholders -> tokens, a role scoped to the
Task resources, logging and tracing) must already work. The ASL is passed as JSON on stdin.
"""

from __future__ import annotations

import functools
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from infra.app import configure_stage, prepare_process  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:probe-{name}"


def main() -> None:
    definition = sys.stdin.read()
    prepare_process()
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    configure_stage("prod")
    from chalicelib.core.catalog import StateMachine
    from infra import storage, workflows
    from infra.refs import Refs, machine_arn

    app = cdk.App()
    stack = cdk.Stack(app, "probe")
    data = storage.build(stack)
    machine = StateMachine("probe-flow", "probe.asl.json")

    @functools.cache
    def function(logical_id: str) -> lambda_.IFunction:
        return lambda_.Function.from_function_arn(stack, logical_id, FUNCTION_ARN.format(name=logical_id))

    refs = Refs(stack, data, function, {machine.logical: machine_arn(stack, machine.name)})
    with tempfile.TemporaryDirectory() as asl_dir:
        Path(asl_dir, machine.asl).write_text(definition, encoding="utf-8")
        workflows.build(stack, refs, [machine], Path(asl_dir))
        app.synth()


if __name__ == "__main__":
    main()
