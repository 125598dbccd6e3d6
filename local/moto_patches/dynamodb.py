"""DynamoDB as in AWS: item operations serialized (moto's backend is not thread-safe), and a cancelled
transaction undone item by item instead of by restoring a deep copy of every table it touched."""

from __future__ import annotations

import contextlib
import copy
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any

from local.moto_patches import targets as t
from local.moto_patches.guard import counters

_lock = threading.RLock()  # re-entrant: a transaction calls put_item/update_item/delete_item


class _TablesNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: tables are not deep-copied (the undo
    log of `transact_write_items` restores what a cancelled transaction wrote), anything else is."""

    stands_in_for = copy

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, self._table_type):
            counters.tables_not_copied += 1
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _undo(log: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_key, range_key, before in reversed(log):
        bucket = table.items[hash_key] if range_key is not None else table.items
        slot = range_key if range_key is not None else hash_key
        if before is None:
            bucket.pop(slot, None)
        else:
            bucket[slot] = before


def _patch_transactions() -> None:
    """Before the lock wraps transact_write_items: the undo log runs inside it."""
    original = t.DYNAMODB_TRANSACT.resolve()
    t.DYNAMODB_COPY.replace(_TablesNotCopied(t.DYNAMODB_TABLE.resolve()))

    @functools.wraps(original)
    def transact_with_undo_log(self: Any, transact_items: list[dict[str, Any]]) -> None:
        log: list[tuple[Any, Any, Any, Any]] = []
        whole: dict[str, Any] = {}
        for item in transact_items:
            op = next(iter(item.values())) if item else {}
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            if table is None:
                continue
            try:
                key = op["Item"] if "Item" in op else op["Key"]
                hash_key, range_key = self.get_keys_value(table, key)
            except Exception:  # a malformed operation: fall back to a copy of its table, as moto does
                whole.setdefault(table.name, copy.deepcopy(table))
                continue
            log.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
        try:
            original(self, transact_items)
        except Exception:
            _undo(log)
            self.tables.update(whole)
            raise

    t.DYNAMODB_TRANSACT.replace(transact_with_undo_log)


def patch_dynamodb() -> None:
    _patch_transactions()

    def serialized(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _lock:
                return method(*args, **kwargs)

        return wrapper

    for target in t.DYNAMODB_OPERATIONS:
        target.replace(serialized(target.resolve()))


@contextlib.contextmanager
def dynamodb_held() -> Iterator[None]:
    """Hold the lock every DynamoDB item operation takes (tests prove the serialization with it)."""
    with _lock:
        yield
