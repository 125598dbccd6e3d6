"""SQS poller with Lambda's event-source semantics (batch size, batching window, partial batch failures).

moto's own SQS->Lambda mapping invokes one message at a time and ignores `batchItemFailures`, so the
mappings are created disabled and this poller drives them: it gathers up to `batch_size` messages within
the window, invokes the function through moto's Lambda API (which runs our handler in-process), deletes
what succeeded and leaves failures to come back after the visibility timeout, then to the DLQ.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

import orjson

from chalicelib.core import aws
from local.provision import SqsSource


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event AWS Lambda builds for an SQS batch."""
    records = []
    for m in messages:
        attrs = {}
        for name, value in (m.get("MessageAttributes") or {}).items():
            attrs[name] = {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value.get("DataType"),
            }
        records.append(
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": attrs,
                "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


class SqsPoller(threading.Thread):
    def __init__(self, source: SqsSource, region: str) -> None:
        super().__init__(name=f"poller-{source.function}", daemon=True)
        self.source, self.region = source, region
        self._halt = threading.Event()
        self.stats = {"invocations": 0, "records": 0, "deleted": 0, "failed": 0, "errors": 0}

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)

    def run(self) -> None:
        sqs = aws.client("sqs")
        arn = sqs.get_queue_attributes(QueueUrl=self.source.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        while not self._halt.is_set():
            try:
                batch = self._gather(sqs)
                if batch:
                    self._invoke(sqs, batch, arn)
            except Exception:
                self.stats["errors"] += 1
                if self._halt.wait(1.0):
                    return

    def _gather(self, sqs: Any) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        deadline = None
        while len(batch) < self.source.batch_size and not self._halt.is_set():
            wait = 1 if deadline is None else max(0, min(1, int(deadline - time.monotonic())))
            got = sqs.receive_message(
                QueueUrl=self.source.queue_url,
                MaxNumberOfMessages=min(10, self.source.batch_size - len(batch)),
                WaitTimeSeconds=wait,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if got and deadline is None:
                deadline = time.monotonic() + self.source.window_s
            batch.extend(got)
            if deadline is not None and (time.monotonic() >= deadline or not got):
                break
        return batch

    def _invoke(self, sqs: Any, batch: list[dict[str, Any]], arn: str) -> None:
        event = sqs_event(batch, arn, self.region)
        response = aws.client("lambda").invoke(FunctionName=self.source.function, Payload=orjson.dumps(event))
        payload = response["Payload"].read()
        self.stats["invocations"] += 1
        self.stats["records"] += len(batch)
        if response.get("FunctionError"):
            self.stats["errors"] += 1  # whole batch returns after the visibility timeout, as in AWS
            return
        result = orjson.loads(payload) if payload else None
        failed_ids = set()
        if isinstance(result, dict):
            ids = {m["MessageId"] for m in batch}
            for item in result.get("batchItemFailures") or []:
                failed_ids.add(item.get("itemIdentifier"))
            if not failed_ids <= ids:  # an unknown id fails the whole batch (Lambda's rule)
                self.stats["errors"] += 1
                return
        done = [m for m in batch if m["MessageId"] not in failed_ids]
        for start in range(0, len(done), 10):
            sqs.delete_message_batch(
                QueueUrl=self.source.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
                ],
            )
        self.stats["deleted"] += len(done)
        self.stats["failed"] += len(failed_ids)
