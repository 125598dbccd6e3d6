"""The tenancy walk's watch on enterprise B's stored data: every DynamoDB item that names B, read straight from
moto's tables (local.moto_patches.dynamodb_items) after each route instead of through ~30 API reads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from chalicelib.audit.store import AuditRecordModel, PendingEntryModel
from local import moto_patches

# Every caller's own trail: each request of the walk adds an entry of A's naming the path to B's record it tried.
AUDIT_TABLES = frozenset(m.Meta.table_name for m in (AuditRecordModel, PendingEntryModel))
OWN_ID = re.compile(r"[a-z]+_[0-9A-HJKMNP-TV-Z]{26}")  # an id core.ids.new_id made for a record


class TenantData:
    """Enterprise B's data in the tables: every item whose attributes name one of B's ids (the walk's `world`
    ids, and the ids of B's records found so: an alarm-born warning's timeline names only the warning).

    `changes()` lists every B item changed, deleted or created since the last call, and every item that came to
    name B: the whole store is compared, so a write to B through any table is seen, not only the records the API
    shows. A's own audit entries are A's data (they name B's ids in the path A tried)."""

    def __init__(self, ids: Iterable[str], a_enterprise: str) -> None:
        self._a = a_enterprise
        self._items = moto_patches.dynamodb_items()
        names = set(ids)
        while True:  # B's records' own ids, until they name no further record
            self._names = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
            self._b = {k for k, attrs in self._items.items() if self._names_b(k, attrs)}
            found = {v for k in self._b for v in k[1:] if isinstance(v, str) and OWN_ID.fullmatch(v)} - names
            if not found:
                break
            names |= found

    def __len__(self) -> int:
        return len(self._b)

    def _names_b(self, key: tuple[str, Any, Any], attrs: dict[str, Any]) -> bool:
        if key[0] in AUDIT_TABLES and attrs.get("enterprise_id") == {"S": self._a}:
            return False
        return self._names.search(repr(attrs)) is not None

    def changes(self) -> list[str]:
        """What changed in B's data since the last call (or construction); the next call compares with now."""
        now = moto_patches.dynamodb_items()
        found = []
        for key in self._items.keys() | now.keys():
            before, after = self._items.get(key), now.get(key)
            if before == after:
                continue
            if key in self._b or (after is not None and self._names_b(key, after)):
                found.append(f"{key[0]} {key[1:]}: {before} -> {after}")
            self._b.discard(key)
            if after is not None and self._names_b(key, after):
                self._b.add(key)
        self._items = now
        return sorted(found)
