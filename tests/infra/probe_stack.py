"""Subprocess for test_generic_paths.py: sample workflow and IoT rule through infra/, without the Chalice app.

catalog.STATE_MACHINES may still be empty and iot_rules/ uses two action kinds only, yet the generic paths
(placeholders -> tokens, roles scoped to what a definition references, logging, tracing) must already work.
stdin: {"asl": <definition>, "rule": <topicRulePayload file content>}.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from infra.app import configure_stage, prepare_process  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:probe-{name}"


def main() -> None:
    samples = json.loads(sys.stdin.read())
    prepare_process()
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    configure_stage("prod")
    from chalicelib.core.catalog import StateMachine
    from infra import rules, storage, workflows
    from infra.refs import Refs, machine_arn

    app = cdk.App()
    stack = cdk.Stack(app, "probe")
    data = storage.build(stack)
    machine = StateMachine("probe-flow", "probe.asl.json")

    @functools.cache
    def function(logical_id: str) -> lambda_.IFunction:
        return lambda_.Function.from_function_arn(stack, logical_id, FUNCTION_ARN.format(name=logical_id))

    refs = Refs(stack, data, function, {machine.logical: machine_arn(stack, machine.name)})
    with tempfile.TemporaryDirectory() as work:
        Path(work, machine.asl).write_text(json.dumps(samples["asl"]), encoding="utf-8")
        workflows.build(stack, refs, [machine], Path(work))
        rule = Path(work, "probe-rule.json")
        rule.write_text(json.dumps(samples["rule"]), encoding="utf-8")
        rules.build(stack, refs, [rule])
        app.synth()


if __name__ == "__main__":
    main()
