"""The probe stack for test_generic_paths.py: a sample workflow and IoT rule through infra/, without the Chalice app.

catalog.STATE_MACHINES may still be empty and iot_rules/ uses two action kinds only, yet the generic paths
(placeholders -> tokens, roles scoped to what a definition references, logging, tracing) must already work.
Synthesized by tests/infra/synth.py in the same process as the real stack (one jsii runtime per test run).
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

from chalicelib.core import catalog

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:probe-{name}"
TOPIC = catalog.TOPICS[0].logical
TABLE = "audit"
QUEUE = catalog.QUEUES[0].logical
SAMPLE = {
    "StartAt": "Verify",
    "States": {
        "Verify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "${function.verify_warning}", "Payload": {"token.$": "$$.Task.Token"}},
            "Next": "Notify",
        },
        "Notify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": {"TopicArn": f"${{topic.{TOPIC}}}", "Message.$": "$"},
            "Next": "Record",
        },
        "Record": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": f"${{table.{TABLE}}}", "Item": {"chain": {"S": "x"}}},
            "End": True,
        },
    },
}
RULE = {
    "sql": "SELECT * FROM 'park/+/probe'",
    "awsIotSqlVersion": "2016-03-23",
    "ruleDisabled": False,
    "actions": [
        {"sns": {"targetArn": f"${{topic.{TOPIC}}}", "roleArn": "${role.iot}", "messageFormat": "RAW"}},
        {"dynamoDBv2": {"roleArn": "${role.iot}", "putItem": {"tableName": f"${{table.{TABLE}}}"}}},
        {"lambda": {"functionArn": "${function.on_probe}"}},
    ],
    "errorAction": {"sqs": {"queueUrl": f"${{queue.{QUEUE}.url}}", "roleArn": "${role.iot}", "useBase64": False}},
}


def synth_probe(outdir: Path) -> None:
    """Synthesize the probe stack (stage prod) into `outdir`; infra.app.prepare_process() must have run."""
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    from infra import rules, storage, workflows
    from infra.app import configure_stage
    from infra.refs import Refs, machine_arn

    configure_stage("prod")
    from chalicelib.core.catalog import StateMachine

    app = cdk.App(outdir=str(outdir))
    stack = cdk.Stack(app, "probe")
    data = storage.build(stack)
    machine = StateMachine("probe-flow", "probe.asl.json")

    @functools.cache
    def function(logical_id: str) -> lambda_.IFunction:
        return lambda_.Function.from_function_arn(stack, logical_id, FUNCTION_ARN.format(name=logical_id))

    refs = Refs(stack, data, function, {machine.logical: machine_arn(stack, machine.name)})
    with tempfile.TemporaryDirectory() as work:
        Path(work, machine.asl).write_text(json.dumps(SAMPLE), encoding="utf-8")
        workflows.build(stack, refs, [machine], Path(work))
        rule = Path(work, "probe-rule.json")
        rule.write_text(json.dumps(RULE), encoding="utf-8")
        rules.build(stack, refs, [rule])
        app.synth()
