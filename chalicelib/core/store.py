"""Store helpers shared by every context's PynamoDB models: table naming, indexes, lookups, conditional writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

import orjson
from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute
from pynamodb.constants import STRING
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from chalicelib.core import errors
from chalicelib.core.catalog import resource_name
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from pynamodb.connection import Connection
    from pynamodb.expressions.condition import Condition
    from pynamodb.models import MetaProtocol, Model
    from pynamodb.transactions import TransactWrite

M = TypeVar("M", bound="Model")


def meta(logical: str, append_only: bool = False) -> MetaProtocol:
    """The `Meta` of a model stored in table `<prefix>-<logical>` (on-demand; endpoint from AWS_ENDPOINT_URL).

    `append_only` tables get no delete permission in AWS (infra reads the flag). Typed as PynamoDB's
    `MetaProtocol`: the model metaclass fills in the settings left out here.
    """

    class Meta:
        table_name = resource_name(logical)
        region = get_settings().region
        billing_mode = "PAY_PER_REQUEST"

    Meta.append_only = append_only  # type: ignore[attr-defined]
    return cast("MetaProtocol", Meta)


class DocumentAttribute(Attribute[dict[str, Any]]):
    """A context's document: a JSON object kept in one string attribute, read and written as a dict.

    The stored text is orjson's, as each context wrote it by hand before; a value that is not JSON (a date, a
    Decimal) is stored as its text. Anything but a dict is refused, so an already-encoded string cannot be
    stored as a JSON string by mistake."""

    attr_type = STRING

    def serialize(self, value: dict[str, Any]) -> str:
        if not isinstance(value, dict):
            raise TypeError(f"{self.attr_name}: a document is a dict, not {type(value).__name__}")
        return orjson.dumps(value, default=str).decode()

    def deserialize(self, value: str) -> dict[str, Any]:
        return cast("dict[str, Any]", orjson.loads(value))

    def mentions(self, text: str) -> Condition:
        """A filter on the stored text (DynamoDB `contains`), e.g. '"status":"failed"'."""
        from pynamodb.expressions.operand import Path

        return Path(self.attr_name).contains(text)


def gsi(
    name: str,
    hash_key: str,
    range_key: str | None = None,
    range_type: type[Attribute[Any]] = NumberAttribute,
    keys_only: bool = False,
) -> GlobalSecondaryIndex[Any]:
    """A global secondary index named `name` on a string hash key and an optional range key (a number,
    e.g. a time in ms, unless `range_type` says otherwise); every attribute is projected unless `keys_only`."""
    projection = KeysOnlyProjection() if keys_only else AllProjection()
    attrs: dict[str, Any] = {
        "Meta": type("Meta", (), {"index_name": name, "projection": projection}),
        hash_key: UnicodeAttribute(hash_key=True),
    }
    if range_key is not None:
        attrs[range_key] = range_type(range_key=True)
    return cast("GlobalSecondaryIndex[Any]", type(f"Index_{name}", (GlobalSecondaryIndex,), attrs)())


def get_or_404(model: type[M], hash_key: Any, range_key: Any = None, field: str = "id") -> M:
    """The item, read consistently; NOT_FOUND naming it under `field` (e.g. "plan_id") when it is absent."""
    try:
        return model.get(hash_key, range_key, consistent_read=True)
    except DoesNotExist:
        key = hash_key if range_key is None else f"{hash_key}/{range_key}"
        raise errors.NOT_FOUND(details={field: key}) from None


def is_conditional_failure(exc: Exception) -> bool:
    """True when a put/update/delete/transaction failed only because its condition did not hold."""
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    if isinstance(exc, PutError | UpdateError | DeleteError):
        return exc.cause_response_code == "ConditionalCheckFailedException"
    return False


@dataclass
class Write:
    """What `conditional()` saw: `failed` is True when the write's condition did not hold."""

    failed: bool = False


@contextmanager
def conditional(error: Exception | None = None) -> Iterator[Write]:
    """A conditional write (a condition, a version check or a transaction) whose condition may not hold.

    With `error`, a failed condition raises it (e.g. CONFLICT naming the item); without, it is swallowed and
    reported as `write.failed`, so a caller can retry, skip or answer "already done". Any other failure
    propagates unchanged.
    """
    write = Write()
    try:
        yield write
    except (PutError, UpdateError, DeleteError, TransactWriteError) as exc:
        if not is_conditional_failure(exc):
            raise
        if error is not None:
            raise error from exc
        write.failed = True


def transaction() -> TransactWrite:
    """A write transaction (all-or-nothing across items and tables): `with transaction() as tx: ...`."""
    from pynamodb.transactions import TransactWrite

    return TransactWrite(connection=_connection(get_settings().region))


@cache
def _connection(region: str) -> Connection:
    """One connection per region, as each PynamoDB model keeps: a new one builds a botocore session and client
    (parsing the DynamoDB service model) on every transaction, which costs tens of milliseconds each."""
    from pynamodb.connection import Connection

    return Connection(region=region)


def scoped_page(
    model: type[M], index: Any, key: str | None, condition: Any, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[M], dict[str, Any] | None]:
    """One page, newest first, of `index`'s items under `key` (one tenant: an index query whose range key is a
    time), or of a filtered scan of the whole table when `key` is None (a park-wide list); bounded like
    `filtered_page`."""
    if key is not None:
        results = index.query(key, filter_condition=condition, scan_index_forward=False, last_evaluated_key=cursor)
    else:
        results = model.scan(condition, last_evaluated_key=cursor)
    return filtered_page(model, results, limit, filtered=condition is not None)


def filtered_page(model: type[M], results: Any, limit: int, filtered: bool) -> tuple[list[M], dict[str, Any] | None]:
    """At most one DynamoDB request of a query or scan (`results`, not yet iterated): `limit` items, or when a
    filter applies, the matches among at most `filter_read_budget` items read. A filter that matches little
    thus answers a short (even empty) page with a cursor to continue, never a read of the whole table in one
    call (DynamoDB's Limit counts items read, not matches)."""
    pages = results.page_iter
    pages.page_size = max(limit, get_settings().filter_read_budget) if filtered else limit
    raw = next(pages).get("Items", [])
    if len(raw) > limit:  # more matches than the page holds: continue after the last one returned
        raw = raw[:limit]
        return [model.from_raw_data(r) for r in raw], {k: raw[-1][k] for k in pages.key_names}
    return [model.from_raw_data(r) for r in raw], pages.last_evaluated_key
