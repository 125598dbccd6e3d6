"""The notification logs as people may read them (5.2.3-3): texts and pushes about an enterprise (park-level ones
under PARK), newest first, phones and tokens masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.core import clock
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.notify import domain, store
from chalicelib.notify.service.sms import mask

Page = tuple[list[dict[str, Any]], str | None]


def _page(
    model: Any,
    row: Callable[[Any], dict[str, Any]],
    who: Identity,
    enterprise_id: str | None,
    lo: int,
    hi: int,
    limit: int,
    cursor: str | None,
) -> Page:
    results = model.by_enterprise.query(
        who.scope(enterprise_id) or PARK,
        model.ts.between(lo, hi),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
    )
    return [row(i) for i in results], encode_cursor(results.last_evaluated_key)


def _sms(i: Any) -> dict[str, Any]:
    return {
        "ref": i.ref,
        "phone": mask(i.phone),
        "ts": int(i.ts),
        "kind": i.kind,
        "text": i.text,
        "enterprise_id": i.enterprise_id,
        "message_id": i.message_id,
    }


def _push(i: Any) -> dict[str, Any]:
    return {
        "ref": i.ref,
        "device_id": i.device,
        "user": i.user,
        "platform": i.platform,
        "token": domain.mask(i.token),
        "at": clock.from_ms(int(i.ts)),
        "kind": i.kind,
        "mode": i.mode,
        "status": i.status,
        "text": i.text,
        "enterprise_id": i.enterprise_id,
        "message_id": i.message_id,
    }


def sms_log(who: Identity, enterprise_id: str | None, lo: int, hi: int, limit: int, cursor: str | None) -> Page:
    """One page of the texts sent for an enterprise (park-level texts under PARK), phones masked."""
    return _page(store.SmsLogModel, _sms, who, enterprise_id, lo, hi, limit, cursor)


def push_log(who: Identity, enterprise_id: str | None, lo: int, hi: int, limit: int, cursor: str | None) -> Page:
    """One page of the pushes about an enterprise (park-level pushes under PARK), newest first, tokens masked."""
    return _page(store.PushLogModel, _push, who, enterprise_id, lo, hi, limit, cursor)
