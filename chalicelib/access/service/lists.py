"""Black and white lists (黑白名单, 5.3.1): one entry per (list, kind, value), lapsing at its expiry (one year
by default, the Tianmen practice for repeated violations); park roles keep them."""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.access import store
from chalicelib.access.domain import mask_id_number, normal_plate, person_key, vehicle_key
from chalicelib.access.schemas import ListEntryIn
from chalicelib.access.service.common import sees_whole
from chalicelib.core import clock, errors
from chalicelib.core.identity import Identity
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.store import filtered_page, get_or_404
from chalicelib.registry import service as registry

YEAR_MS = 365 * 24 * 3600 * 1000


def subject_key(kind: str, value: str) -> str:
    if kind == "person":
        return person_key(value)
    if kind == "vehicle":
        return vehicle_key(value)
    return f"c:{value.strip().upper()}"


def entry_id(list_name: str, key: str) -> str:
    """Deterministic, and without the ID number in it (ids travel in URLs and logs)."""
    return "lst_" + hashlib.sha256(f"{list_name}|{key}".encode()).hexdigest()[:24]


def public(item: store.ListEntryModel, who: Identity) -> dict[str, Any]:
    data = item.data()
    value = data["value"]
    if data["kind"] == "person" and not sees_whole(who):
        value = mask_id_number(value)
    return {
        **data,
        "value": value,
        "expires_at": clock.iso(data["expires_ms"]),
        "created_at": clock.iso(data["created_ms"]),
    }


def put(body: ListEntryIn, who: Identity) -> dict[str, Any]:
    """Add an entry, or renew the one for the same list, kind and value (its reason and expiry replaced)."""
    now = clock.now_ms()
    expires = clock.to_ms(body.expires_at) if body.expires_at else now + YEAR_MS
    if expires <= now:
        raise errors.invalid_field("expires_at", "到期时间须晚于当前时间", "past")
    if body.enterprise_id:
        try:
            registry.require(registry.ENTERPRISE, body.enterprise_id, who)
        except errors.AppError:
            raise errors.invalid_field("enterprise_id", f"企业 {body.enterprise_id} 不存在", "reference") from None
    value = normal_plate(body.value) if body.kind == "vehicle" else body.value.strip().upper()
    key = subject_key(body.kind, value)
    doc = {**body.model_dump(mode="json", exclude={"expires_at"}), "value": value, "created_by": who.subject}
    item = store.ListEntryModel(
        entry_id(body.list, key),
        list_name=body.list,
        subject_key=key,
        expires_ms=expires,
        created_ms=now,
        doc=doc,
    )
    item.save()
    return public(item, who)


def remove(entry: str, who: Identity) -> None:
    get_or_404(store.ListEntryModel, entry, field="entry_id").delete()


def list_page(
    who: Identity, list_name: str | None, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Entries not yet lapsed, filtered by list and kind (a park keeps hundreds: a filtered scan)."""
    model = store.ListEntryModel
    cond = model.expires_ms > clock.now_ms()
    if list_name:
        cond &= model.list_name == list_name
    if kind:
        cond &= model.subject_key.startswith({"person": "p:", "vehicle": "v:", "carrier": "c:"}[kind])
    items, last = filtered_page(model, model.scan(cond, last_evaluated_key=decode_cursor(cursor)), limit, filtered=True)
    return [public(i, who) for i in items], encode_cursor(last)


def active(keys: list[str], at_ms: int) -> dict[str, list[dict[str, Any]]]:
    """The entries in force at `at_ms` for these subject keys, by list ("black", "white")."""
    found: dict[str, list[dict[str, Any]]] = {"black": [], "white": []}
    for key in sorted(set(keys)):
        for item in store.ListEntryModel.by_subject.query(key, store.ListEntryModel.expires_ms > at_ms):
            found[item.list_name].append(item.data())
    return found
