"""The recording regulator exchange: every message for the dual-prevention exchange is kept in the outbox
table with status `queued`, so nothing is lost before an exchange context (the regulator uplink) sends it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from chalicelib.core import clock, ids
from chalicelib.dangers import store


class RecordedExchange:
    """`dangers.ports.RegulatorExchange` that only records (the default until an uplink exists)."""

    def __call__(self, dataset: str, ref: str, enterprise_id: str, record: Mapping[str, Any], /) -> str:
        message_id = ids.new_id("xmsg")
        store.OutboxModel(
            message_id,
            dataset=dataset,
            ref=ref,
            enterprise_id=enterprise_id,
            payload=orjson.dumps(dict(record)).decode(),
            created_ms=clock.now_ms(),
        ).save()
        return message_id


def messages(ref: str) -> list[dict[str, Any]]:
    """The outgoing messages about one danger, oldest first."""
    return [
        {
            "id": m.id,
            "dataset": m.dataset,
            "status": m.status,
            "created_ms": int(m.created_ms),
            "record": orjson.loads(m.payload),
        }
        for m in store.OutboxModel.by_ref.query(ref)
    ]
