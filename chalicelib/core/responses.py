"""The one response shape: JSON bodies, errors as {"code","message","details","request_id"} with every field
located (body./query.), pydantic errors named field by field, and Chalice's own error answers reshaped."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
from chalice import Response
from pydantic import BaseModel, ValidationError

from chalicelib.core import errors, ids, messages


def json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(body: Any, status: int = 200, request_id: str = "") -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json; charset=utf-8"}
    if request_id:
        headers["X-Request-Id"] = request_id
    try:
        payload = orjson.dumps(body, default=json_default).decode() if body is not None else ""
    except orjson.JSONEncodeError:  # an int beyond 64 bits (echoed in an error's details) orjson refuses to write
        payload = json.dumps(body, default=json_default, ensure_ascii=False)
    return Response(body=payload, status_code=status, headers=headers)


def shaped(result: Any, model: Any, status: int, request_id: str, media_type: str) -> Response:
    """A handler's result as its answer: a dict read through the route's declared response model (the schema edge
    where stored `*_ms` become ISO-8601, ADR 0007), a handler's own Response as it is, JSON otherwise."""
    if isinstance(result, Response):
        return result
    if isinstance(result, dict) and isinstance(model, type) and issubclass(model, BaseModel):
        result = model.model_validate(result)
    response = json_response(result, status, request_id)
    if media_type != "application/json" and response.status_code < 300:
        response.headers["Content-Type"] = media_type
    return response


def error_response(error: errors.AppError, request_id: str) -> Response:
    return json_response(error.body(request_id), error.status, request_id)


def locator(body_model: type[BaseModel] | None, query_model: type[BaseModel] | None) -> Callable[[str], str]:
    """Where a field a service or domain rule names came from: the body or the query model that declares it
    (by name or alias); otherwise the route's body, else its query. Paths already located stay as they are."""

    def names(model: type[BaseModel] | None) -> set[str]:
        fields = model.model_fields if model is not None else {}
        return set(fields) | {f.alias for f in fields.values() if f.alias}

    body, query = names(body_model), names(query_model)

    def where(field: str) -> str:
        head = field.split(".", 1)[0]
        if head in ("body", "query", "path"):
            return field
        if head in body or (head not in query and body_model is not None):
            return f"body.{field}"
        return f"query.{field}" if query_model is not None or head in query else field

    return where


def validation_error(exc: ValidationError, location: str) -> errors.AppError:
    """A pydantic error as VALIDATION_FAILED whose details name every field at fault, each with a zh-CN message
    (core.messages) and pydantic's English error type as its stable code."""
    items = []
    for e in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(p) for p in (location, *e["loc"]) if p != "")
        items.append({"field": path, "message": messages.field_message(path, dict(e)), "type": e["type"]})
    first = items[0]["field"] if items else location
    return errors.VALIDATION_FAILED(f"请求参数校验失败：{first}", errors=items)


def http_middleware(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Give responses produced outside our routes (Chalice's 404/405/415/500) the one error shape."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        request_id = (getattr(event, "context", None) or {}).get("requestId") or ids.ulid()
        by_status = {
            404: errors.ROUTE_NOT_FOUND,
            405: errors.METHOD_NOT_ALLOWED,
            415: errors.UNSUPPORTED_MEDIA_TYPE,
            400: errors.BAD_REQUEST,
        }
        err = by_status.get(response.status_code, errors.INTERNAL)(details={"reason": body.get("Message", "")})
        return error_response(err, request_id)
    return response
