"""Each patch of local/moto_patches/ takes effect on the moto this suite runs: Lambdas run in this process, an SQS
send or receive computes no full queue attributes, DynamoDB item operations wait for one another, a cancelled
transaction is undone item by item, items of every attribute type come back as stored without moto's generic
serializer, and fast waits make Wait states and Retry intervals instant while held waits keep a Wait open until
the test lets go."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import pytest

from chalicelib.core import aws
from local import moto_patches
from tests.support import wait_for

CALLS: list[tuple[dict[str, Any], str]] = []  # (event, function name) of every run of `record`, in this process


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The probe function's handler (named by its Handler string): records the call, fails when asked to."""
    CALLS.append((event, context.function_name))
    if event.get("fail"):
        raise RuntimeError("asked to fail")
    return {"echo": event}


@pytest.fixture(scope="module")
def probe_function(stack: Any) -> str:
    lam = aws.client("lambda")
    role = lam.get_function(FunctionName=next(iter(stack.functions.values())))["Configuration"]["Role"]
    name = f"probe-record-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler=f"{__name__}.record",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},  # an empty zip: the code runs in-process
    )
    return lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def _runs(marker: str) -> list[dict[str, Any]]:
    return [event for event, _ in CALLS if event.get("run") == marker]


def test_lambda_invoke_runs_the_handler_in_this_process(probe_function: str) -> None:
    marker = uuid.uuid4().hex
    reply = aws.client("lambda").invoke(FunctionName=probe_function, Payload=json.dumps({"run": marker}))
    assert "FunctionError" not in reply
    assert json.loads(reply["Payload"].read()) == {"echo": {"run": marker}}
    assert _runs(marker) == [{"run": marker}]  # appended by moto's thread to this process's list
    assert moto_patches.invocations[-1][0] == probe_function.rsplit(":", 1)[-1]
    failed = aws.client("lambda").invoke(FunctionName=probe_function, Payload=json.dumps({"fail": True}))
    assert failed.get("FunctionError")  # moto says "Handled" where AWS says "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "RuntimeError"


def test_sqs_sends_and_receives_compute_no_full_queue_attributes(stack: Any) -> None:
    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=f"probe-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    before = moto_patches.counters.full_attribute_reads
    sqs.send_message(QueueUrl=url, MessageBody="one")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert len(got) == 6  # retention is still checked: nothing was dropped
    assert moto_patches.counters.full_attribute_reads == before
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert moto_patches.counters.full_attribute_reads > before  # the counter does see the full computation


def test_dynamodb_item_operations_wait_for_one_another(stack: Any) -> None:
    ddb, table = aws.client("dynamodb"), f"probe-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    written = threading.Event()

    def put() -> None:
        ddb.put_item(TableName=table, Item={"k": {"S": "a"}})
        written.set()

    with moto_patches.dynamodb_held():  # what another item operation holds while it runs
        writer = threading.Thread(target=put)
        writer.start()
        assert not written.wait(0.5), "put_item ran while another DynamoDB item operation held the backend"
    assert written.wait(10)
    writer.join()
    assert ddb.get_item(TableName=table, Key={"k": {"S": "a"}})["Item"] == {"k": {"S": "a"}}


def test_a_cancelled_transaction_is_undone_item_by_item_without_copying_the_table(stack: Any) -> None:
    ddb, table = aws.client("dynamodb"), f"probe-{uuid.uuid4().hex[:8]}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("k", "r")],
        BillingMode="PAY_PER_REQUEST",
    )
    before = [{"k": {"S": k}, "r": {"S": "1"}, "v": {"N": "1"}} for k in ("a", "c")]
    for item in before:
        ddb.put_item(TableName=table, Item=item)
    copies = moto_patches.counters.tables_not_copied
    with pytest.raises(ddb.exceptions.TransactionCanceledException):
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"k": {"S": "b"}, "r": {"S": "1"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"k": {"S": "a"}, "r": {"S": "1"}},
                        "UpdateExpression": "SET v = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"k": {"S": "c"}, "r": {"S": "1"}},
                        "ConditionExpression": "attribute_not_exists(k)",  # fails: the whole transaction is undone
                    }
                },
            ]
        )
    assert moto_patches.counters.tables_not_copied > copies  # moto asked for a table copy and got none
    items = sorted(ddb.scan(TableName=table, ConsistentRead=True)["Items"], key=lambda i: i["k"]["S"])
    assert items == before  # the put and the update are undone


def _machine(definition: dict[str, Any]) -> str:
    sfn, iam = aws.client("stepfunctions"), aws.client("iam")
    role = next(r["Arn"] for r in iam.list_roles()["Roles"] if r["RoleName"].endswith("-sfn"))
    return sfn.create_state_machine(
        name=f"probe-{uuid.uuid4().hex[:8]}", definition=json.dumps(definition), roleArn=role
    )["stateMachineArn"]


def _status(arn: str) -> str:
    return aws.client("stepfunctions").describe_execution(executionArn=arn)["status"]


def test_items_of_every_attribute_type_come_back_as_stored_without_the_generic_serializer(stack: Any) -> None:
    from chalicelib.registry.store import ZoneModel

    ddb, table, key = aws.client("dynamodb"), ZoneModel.Meta.table_name, f"zon_probe_{uuid.uuid4().hex}"
    item = {
        "id": {"S": key},
        "empty": {"S": ""},
        "text": {"S": '罐区 "1"'},
        "n": {"N": "-1.5"},
        "blob": {"B": b"\x00\xffraw"},
        "strings": {"SS": ["a", "b"]},
        "numbers": {"NS": ["1", "2"]},
        "blobs": {"BS": [b"\x01", b"\x02"]},
        "flag": {"BOOL": False},
        "nothing": {"NULL": True},
        "nested": {"M": {"list": {"L": [{"N": "1"}, {"M": {"b": {"B": b"\x03"}}}, {"L": []}]}, "map": {"M": {}}}},
    }
    ddb.put_item(TableName=table, Item=item)
    written = moto_patches.counters.attribute_values_written
    assert ddb.get_item(TableName=table, Key={"id": {"S": key}}, ConsistentRead=True)["Item"] == item
    assert moto_patches.counters.attribute_values_written >= written + len(item)  # the fast path wrote them
    kept = ddb.update_item(
        TableName=table,
        Key={"id": {"S": key}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "2"}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert kept == item | {"n": {"N": "2"}}
    found = ddb.scan(TableName=table, FilterExpression="id = :k", ExpressionAttributeValues={":k": {"S": key}})
    assert found["Items"] == [kept]
    got = ddb.batch_get_item(RequestItems={table: {"Keys": [{"id": {"S": key}}]}})["Responses"][table]
    assert got == [kept]


def test_fast_waits_make_an_hour_long_wait_and_retry_instant(probe_function: str) -> None:
    marker = uuid.uuid4().hex
    machine = _machine(
        {
            "StartAt": "Hour",
            "States": {
                "Hour": {"Type": "Wait", "Seconds": 3600, "Next": "Fails"},
                "Fails": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": probe_function, "Payload": {"run": marker, "fail": True}},
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3600, "MaxAttempts": 1}],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                    "End": True,
                },
                "Done": {"Type": "Succeed"},
            },
        }
    )
    arn = aws.client("stepfunctions").start_execution(stateMachineArn=machine, name=marker)["executionArn"]
    assert wait_for("the execution to end", lambda: (s := _status(arn)) != "RUNNING" and s) == "SUCCEEDED"
    assert len(_runs(marker)) == 2  # the task and its one retry, an hour apart in AWS


def test_held_waits_keep_a_wait_open_until_the_block_ends(stack: Any) -> None:
    sfn = aws.client("stepfunctions")
    machine = _machine({"StartAt": "Window", "States": {"Window": {"Type": "Wait", "Seconds": 30, "End": True}}})
    with moto_patches.held_waits():
        arn = sfn.start_execution(stateMachineArn=machine, name=uuid.uuid4().hex)["executionArn"]
        wait_for(
            "the Wait state to start",
            lambda: any(e["type"] == "WaitStateEntered" for e in sfn.get_execution_history(executionArn=arn)["events"]),
        )
        time.sleep(0.3)  # time enough for an instant wait to end the execution
        assert _status(arn) == "RUNNING"
    assert wait_for("the execution to end", lambda: (s := _status(arn)) != "RUNNING" and s) == "SUCCEEDED"
