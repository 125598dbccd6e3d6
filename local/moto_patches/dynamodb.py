"""DynamoDB as in AWS: item operations serialized (moto's backend is not thread-safe), a cancelled transaction
undone item by item instead of by restoring a deep copy of every table it touched, and items written into a
response without a model lookup per attribute value."""

from __future__ import annotations

import base64
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


_STRINGS, _BINARY, _AS_IS = frozenset({"S", "N"}), frozenset({"B"}), frozenset({"NULL", "BOOL"})
_DYNAMODB = frozenset({"dynamodb", "dynamodbstreams"})


def _text(value: Any) -> Any:
    return str(value) if value not in [None, {}, []] else value  # moto's string serializer, as it is


def _blob(value: str | bytes) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).strip().decode()


def _attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """An AttributeValue (`{"S": "x"}`, `{"M": {...}}`, ...) as moto's serializer writes it: strings and numbers
    as text, binaries in base64, maps and lists member by member; a key that is no member is left out."""
    out: dict[str, Any] = {}
    for kind, v in value.items():
        if v is None:
            continue
        if kind in _STRINGS:
            out[kind] = _text(v)
        elif kind in ("SS", "NS"):
            out[kind] = [_text(x) for x in v]
        elif kind in _BINARY:
            out[kind] = _blob(v)
        elif kind == "BS":
            out[kind] = [_blob(x) for x in v]
        elif kind == "M":
            out[kind] = {k: _attribute_value(x) for k, x in v.items() if x is not None}
        elif kind == "L":
            out[kind] = [_attribute_value(x) if x is not None else x for x in v]
        elif kind in _AS_IS:
            out[kind] = v
    return out


def _patch_responses() -> None:
    """moto's generic serializer looks up each of AttributeValue's ten members under up to a dozen aliases, for
    every attribute of every item it returns (most of a query's cost); an item is already in DynamoDB's wire
    form, so it is written as is, with the same text, base64 and nesting rules."""
    original = t.JSON_STRUCTURE.resolve()

    @functools.wraps(original)
    def structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if shape.name == "AttributeValue" and type(value) is dict and self.service_model.service_name in _DYNAMODB:
            counters.attribute_values_written += 1
            self._default_serialize(serialized, _attribute_value(value), shape, key)
        else:
            original(self, serialized, value, shape, key)

    t.JSON_STRUCTURE.replace(structure)


def patch_dynamodb() -> None:
    _patch_transactions()
    _patch_responses()

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
