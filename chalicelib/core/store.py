"""Store helpers shared by every context's PynamoDB models: table naming, lookups, conditional failures."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib.core import errors
from chalicelib.core.catalog import resource_name
from chalicelib.core.settings import get_settings

if TYPE_CHECKING:
    from pynamodb.connection import Connection
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


def get_or_404(model: type[M], hash_key: Any, range_key: Any = None, field: str = "id") -> M:
    """The item, read consistently; NOT_FOUND naming it under `field` (e.g. "plan_id") when it is absent."""
    try:
        return model.get(hash_key, range_key, consistent_read=True)
    except DoesNotExist:
        key = hash_key if range_key is None else f"{hash_key}/{range_key}"
        raise errors.NOT_FOUND(details={field: key}) from None


def is_conditional_failure(exc: Exception) -> bool:
    """True when a put/update/transaction failed only because its condition did not hold."""
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    if isinstance(exc, PutError | UpdateError):
        return exc.cause_response_code == "ConditionalCheckFailedException"
    return False


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
