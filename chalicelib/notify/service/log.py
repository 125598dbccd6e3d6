"""The SMS log as people may read it (5.2.3-3): scoped to an enterprise (or the park), newest first, masked."""

from __future__ import annotations

from typing import Any

from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.notify import store
from chalicelib.notify.service.sms import mask


def sms_log(
    who: Identity, enterprise_id: str | None, lo: int, hi: int, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the texts sent for an enterprise (park-level texts under PARK), phones masked."""
    results = store.SmsLogModel.by_enterprise.query(
        who.scope(enterprise_id) or PARK,
        store.SmsLogModel.ts.between(lo, hi),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
    )
    items = [
        {
            "ref": i.ref,
            "phone": mask(i.phone),
            "ts": int(i.ts),
            "kind": i.kind,
            "text": i.text,
            "enterprise_id": i.enterprise_id,
            "message_id": i.message_id,
        }
        for i in results
    ]
    return items, encode_cursor(results.last_evaluated_key)
