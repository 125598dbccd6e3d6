"""infra.introspect without CDK: what the stack is derived from (models, app, placeholders, ASL permissions)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core import catalog
from infra.introspect import app_shape, cfn_cased, placeholders, substitute, tables, task_permissions


def test_every_model_becomes_a_table_spec_with_its_keys() -> None:
    specs = tables()
    assert len(specs) == len(catalog.TABLE_MODELS)
    for spec in specs:
        assert spec.name == catalog.resource_name(spec.logical)
        assert sorted(k["KeyType"] for k in spec.schema["key_schema"]) in (["HASH"], ["HASH", "RANGE"])
    assert next(s for s in specs if s.logical == "audit").append_only


def test_app_shape_splits_functions_by_trigger(app: Any) -> None:
    shape = app_shape(app)
    assert shape.api == "APIHandler"
    assert "IngestTelemetry" in shape.event_ids
    (sqs,) = [s for s in shape.of_kind("SQSEventConfig") if s.function == "ingest_telemetry"]
    assert sqs.event_key == "IngestTelemetrySqsEventSource"
    assert len(shape.function_ids) == 1 + len(app.event_sources) + len(app.pure_lambda_functions)


def test_placeholders_and_substitution() -> None:
    text = '{"a": "${queue.telemetry.url}", "b": "${stream.telemetry-archive}", "c": "${queue.telemetry.url}"}'
    assert placeholders(text) == [("queue", "telemetry", "url"), ("stream", "telemetry-archive", None)]
    assert substitute(text, lambda k, n, a: f"<{k}:{n}:{a}>").count("<queue:telemetry:url>") == 2


def test_rule_payload_is_cfn_cased() -> None:
    payload = {
        "sql": "SELECT 1",
        "awsIotSqlVersion": "2016-03-23",
        "actions": [
            {"dynamoDBv2": {"roleArn": "r", "putItem": {"tableName": "t"}}},
            {"kafka": {"clientProperties": {"bootstrap.servers": "b"}}},
        ],
    }
    assert cfn_cased(payload) == {
        "Sql": "SELECT 1",
        "AwsIotSqlVersion": "2016-03-23",
        "Actions": [
            {"DynamoDBv2": {"RoleArn": "r", "PutItem": {"TableName": "t"}}},
            {"Kafka": {"ClientProperties": {"bootstrap.servers": "b"}}},
        ],
    }


def test_task_permissions_follow_the_definition() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "${function.verify}", "Next": "B"},
            "B": {
                "Type": "Parallel",
                "Next": "C",
                "Branches": [
                    {
                        "StartAt": "P",
                        "States": {
                            "P": {
                                "Type": "Task",
                                "Resource": "arn:aws:states:::sqs:sendMessage",
                                "Parameters": {"QueueUrl": "${queue.telemetry.url}"},
                                "End": True,
                            }
                        },
                    }
                ],
            },
            "C": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": "${table.audit}"},
                "End": True,
            },
        },
    }
    assert task_permissions(definition) == [
        (["lambda:InvokeFunction"], [("function", "verify", None)]),
        (["sqs:SendMessage"], [("queue", "telemetry", "url")]),
        (["dynamodb:GetItem"], [("table", "audit", None)]),
    ]


def test_an_unscoped_task_is_refused() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:1:someone-elses"},
                "End": True,
            }
        },
    }
    with pytest.raises(ValueError, match="cannot be scoped"):
        task_permissions(definition)
