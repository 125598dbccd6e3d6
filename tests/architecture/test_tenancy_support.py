"""The tenancy walk's watch on B's data sees every kind of write to B's items, and none of A's own."""

from __future__ import annotations

from typing import Any

from chalicelib.audit.store import PendingEntryModel
from chalicelib.core import aws, ids
from chalicelib.registry.store import ZoneModel
from tests.architecture.tenancy_support import TenantData


def _put(table: str, **attrs: str) -> None:
    aws.client("dynamodb").put_item(TableName=table, Item={k: {"S": v} for k, v in attrs.items()})


def _changed(watch: TenantData) -> list[str]:
    """The keys (hash key of the zones table) the watch reports, each once."""
    return sorted(c.split("'")[1] for c in watch.changes())


def test_the_watch_sees_every_write_to_b_and_none_of_as_own(stack: Any) -> None:
    zones, pending = ZoneModel.Meta.table_name, PendingEntryModel.Meta.table_name
    a, b = ids.new_id("ent"), ids.new_id("ent")
    zone_b, zone_a, timeline, new = (ids.new_id("zon") for _ in range(4))
    _put(zones, id=zone_b, enterprise_id=b, name="罐区")
    _put(zones, id=timeline, doc=f'{{"zone": "{zone_b}"}}')  # names only B's record: B's all the same
    _put(zones, id=zone_a, enterprise_id=a, name="罐区")
    watch = TenantData({b}, a)
    assert len(watch) == 2 and watch.changes() == []

    _put(zones, id=zone_b, enterprise_id=b, name="改名")  # changed
    _put(zones, id=new, enterprise_id=b)  # created
    aws.client("dynamodb").delete_item(TableName=zones, Key={"id": {"S": timeline}})  # deleted
    assert _changed(watch) == sorted([zone_b, new, timeline])
    assert watch.changes() == []  # each change is reported once

    _put(zones, id=zone_a, enterprise_id=a, name="改名")  # A's own record
    _put(pending, bucket="pending", id=ids.new_id("aud"), enterprise_id=a, target=zone_b)  # A's trail naming B's
    assert watch.changes() == []
    _put(zones, id=zone_a, enterprise_id=a, doc=f'{{"near": "{zone_b}"}}')  # A's record comes to name B's
    assert _changed(watch) == [zone_a]
