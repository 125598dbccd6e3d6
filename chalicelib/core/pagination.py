"""Cursor pagination: opaque, signed base64url cursors over DynamoDB LastEvaluatedKey, one page shape.

A cursor is `<key>.<mac>`: the start key as base64url JSON and an HMAC-SHA256 over the route that issued it and
that key, with `Settings.cursor_key` (a Secrets Manager secret in AWS, `.local/cursor.key` in the embedded
stack, a per-process random key in tests). A cursor the API did not issue, one altered, or one issued by another
route answers 400 INVALID_CURSOR naming `query.cursor`; a start key never reaches DynamoDB unverified. The
route is bound by core.http around each handler (`bound_to`), so services call `encode_cursor` /
`decode_cursor` with the key alone.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core import errors
from chalicelib.core.settings import MISCONFIGURED, get_settings

T = TypeVar("T")

INVALID_CURSOR = errors.define(
    "INVALID_CURSOR",
    400,
    "分页游标无效",
    "The cursor was not issued by this route of this API, or was altered; start again without a cursor.",
)
_MAC_BYTES = 16  # 128-bit tag: forging one is 2^128 work per attempt
_ROUTE: contextvars.ContextVar[str] = contextvars.ContextVar("cursor_route", default="")
_PROCESS_KEY = os.urandom(32)  # tests and tools without a configured key: cursors live as long as the process


class PageQuery(BaseModel):
    """Query parameters every list route accepts."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    limit: int = Field(default=50, ge=1, le=200, description="每页条数 (1-200)")
    cursor: str | None = Field(default=None, description="上一页返回的 next_cursor（原样传回，不可修改）")


class Page(BaseModel, Generic[T]):
    """A page of results; `next_cursor` is null on the last page."""

    model_config = ConfigDict(defer_build=True)

    items: list[T]
    next_cursor: str | None = None


@contextmanager
def bound_to(route: str) -> Iterator[None]:
    """Cursors encoded or decoded inside belong to `route` (core.http binds `METHOD /path` per request)."""
    token = _ROUTE.set(route)
    try:
        yield
    finally:
        _ROUTE.reset(token)


def invalid_cursor() -> errors.AppError:
    """INVALID_CURSOR naming the query field (also for a well-signed cursor whose content a service refuses)."""
    return INVALID_CURSOR("分页游标无效：query.cursor", field="query.cursor")


def _key() -> bytes:
    settings = get_settings()
    configured = settings.cursor_key.get_secret_value()
    if configured:
        return configured.encode()
    if settings.lambda_function_name:  # every instance of a deployed function must verify the others' cursors
        raise MISCONFIGURED(details={"env": ["CHEMPARK_CURSOR_KEY"], "reason": "no cursor signing key"})
    return _PROCESS_KEY


def _mac(payload: str) -> str:
    digest = hmac.new(_key(), f"{_ROUTE.get()}\n{payload}".encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    payload = base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")
    return f"{payload}.{_mac(payload)}"


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    payload, _, mac = cursor.rpartition(".")
    if not payload or not hmac.compare_digest(mac.encode(), _mac(payload).encode()):
        raise invalid_cursor()
    try:
        value = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, orjson.JSONDecodeError) as exc:  # signed by us, so only a key change gets here
        raise invalid_cursor() from exc
    if not isinstance(value, dict):
        raise invalid_cursor()
    return value
