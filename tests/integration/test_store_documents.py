"""core.store.DocumentAttribute: a context's JSON document, stored as the text each context used to write by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import boto3
import orjson
import pytest

from chalicelib.core import clock, ids
from chalicelib.core.settings import get_settings
from chalicelib.dangers import store as dangers_store
from chalicelib.duty import store


def _raw(model: Any, key: dict[str, Any]) -> dict[str, Any]:
    """The item as DynamoDB holds it (no PynamoDB in between)."""
    table = model.Meta.table_name
    client = boto3.client("dynamodb", region_name=get_settings().region)
    return dict(client.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"])


def test_a_document_is_stored_as_orjson_text_and_read_back_as_a_dict(stack: Any) -> None:
    doc = {"shifts": [{"id": "day", "name": "白班", "start": "08:00"}], "n": 1.5}
    item_id = ids.new_id("tst")
    store.HandoverModel(item_id, status="pending", doc=doc).save()

    raw = _raw(store.HandoverModel, {"id": {"S": item_id}})
    assert raw["doc"] == {"S": orjson.dumps(doc).decode()}  # the same bytes the contexts wrote before
    assert store.HandoverModel.get(item_id).doc == doc


def test_an_item_written_as_text_before_the_attribute_reads_the_same(stack: Any) -> None:
    item_id = ids.new_id("tst")
    old = {"incoming": ["u-1"], "notes": "交接"}
    client = boto3.client("dynamodb", region_name=get_settings().region)
    client.put_item(
        TableName=store.HandoverModel.Meta.table_name,
        Item={"id": {"S": item_id}, "status": {"S": "pending"}, "doc": {"S": orjson.dumps(old).decode()}},
    )
    assert store.HandoverModel.get(item_id).data() == {**old, "id": item_id, "status": "pending"}


def test_an_encoded_string_is_refused_rather_than_stored_as_a_json_string(stack: Any) -> None:
    item = store.HandoverModel(ids.new_id("tst"), status="pending", doc=orjson.dumps({"a": 1}).decode())
    with pytest.raises(TypeError, match="a document is a dict"):
        item.save()


def test_a_value_that_is_not_json_is_stored_as_its_text(stack: Any) -> None:
    value = Decimal("12.50")  # e.g. a number read back from DynamoDB, inside a log entry's details
    item_id = ids.new_id("tst")
    store.HandoverModel(item_id, status="pending", doc={"value": value, "at": clock.now_ms()}).save()
    assert store.HandoverModel.get(item_id).doc["value"] == "12.50"


def test_mentions_filters_on_the_stored_text(stack: Any) -> None:
    model = dangers_store.OrderModel
    base = {"enterprise_id": "e-doc", "reason": "overdue", "state": "open", "respond_by_ms": 1, "created_ms": 1}
    failed, sent = ids.new_id("ord"), ids.new_id("ord")
    items = [
        model(order_id, danger_id="d-doc", doc={"notices": [{"status": status}]}, **base)
        for order_id, status in ((failed, "failed"), (sent, "sent"))
    ]
    try:
        for item in items:
            item.save()
        found = {o.id for o in model.scan(model.doc.mentions('"status":"failed"'))}
        assert failed in found and sent not in found
    finally:  # the supervision sweep resends failed notices: leave it none of these
        for item in items:
            item.delete()
