"""Cursor pagination: opaque base64url cursors over DynamoDB LastEvaluatedKey, one page shape."""

from __future__ import annotations

import base64
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field

from chalicelib.core import errors

T = TypeVar("T")

INVALID_CURSOR = errors.define("INVALID_CURSOR", 400, "分页游标无效", "The cursor was not issued by this API.")


class PageQuery(BaseModel):
    """Query parameters every list route accepts."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    limit: int = Field(default=50, ge=1, le=200, description="每页条数 (1-200)")
    cursor: str | None = Field(default=None, description="上一页返回的 next_cursor")


class Page(BaseModel, Generic[T]):
    """A page of results; `next_cursor` is null on the last page."""

    model_config = ConfigDict(defer_build=True)

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise INVALID_CURSOR() from exc
    if not isinstance(value, dict):
        raise INVALID_CURSOR()
    return value
