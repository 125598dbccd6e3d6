"""Request parsing: the query string and the JSON body through the route's pydantic models, 422 naming the field."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from chalicelib.core import errors, messages
from chalicelib.core.responses import validation_error
from chalicelib.core.schemas import storable


def query(model: type[BaseModel] | None, request: Any) -> Any:
    raw = request.query_params or {}
    # `?ci_id=` names a filter without a value: refused here, for every route, rather than reaching a store
    # query as an empty key (DynamoDB refuses those with an error the client never caused).
    empty = [errors.field_error(f"query.{k}", "参数值不能为空", "string_too_short") for k in raw if raw.get(k) == ""]
    if empty:
        raise errors.invalid(empty)
    if model is None:
        return dict(raw)
    try:
        parsed = model.model_validate({k: raw.get(k) for k in raw})
    except ValidationError as exc:
        raise validation_error(exc, "query") from exc
    # Request bodies check this in their model (core.schemas.Strict); query models are of several bases.
    unstorable = [f"query.{name}" for name in type(parsed).model_fields if not storable(getattr(parsed, name))]
    if unstorable:
        kind = "number_unstorable"
        problems = [errors.field_error(f, messages.field_message(f, {"type": kind}), kind) for f in unstorable]
        raise errors.invalid(problems)
    return parsed


def body(model: type[BaseModel] | None, request: Any) -> Any:
    if model is None:
        return None
    raw = request.raw_body or b""
    if not raw.strip():
        missing = {"field": "body", "message": "必须提供请求体", "type": "missing"}
        raise errors.VALIDATION_FAILED("请求参数校验失败：body", errors=[missing])
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise errors.INVALID_JSON(details={"reason": str(exc)}) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, "body") from exc
