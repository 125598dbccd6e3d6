"""The one error family: stable English codes, HTTP status and zh-CN messages, catalogued from code."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_CATALOGUE: dict[str, ErrorCode] = {}


@dataclass(frozen=True)
class ErrorCode:
    """A catalogued error: `code` is stable API contract, `message` is the default zh-CN text."""

    code: str
    status: int
    message: str
    description: str = ""
    module: str = ""  # where it is defined: OpenAPI lists a context's own 409 codes on its routes

    def __call__(self, message: str | None = None, details: dict[str, Any] | None = None, **more: Any) -> AppError:
        return AppError(self, message or self.message, {**(details or {}), **more})


class AppError(Exception):
    """Raised by services and domain code; the HTTP layer turns it into the error body."""

    def __init__(self, error: ErrorCode, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{error.code}: {message}")
        self.error = error
        self.message = message
        self.details = details or {}

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def body(self, request_id: str) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, "request_id": request_id}

    def located(self, where: Callable[[str], str]) -> AppError:
        """The same error with each field path (`details.field`, `details.errors[].field`) replaced by
        `where(path)`, and the message naming the new path. Domain rules name fields as the input does
        (`items.0.ci_id`); the HTTP layer adds where the input came from (`body.items.0.ci_id`)."""
        details, renamed = dict(self.details), {}
        if isinstance(details.get("field"), str):
            renamed[details["field"]] = details["field"] = where(details["field"])
        if isinstance(details.get("errors"), list):
            details["errors"] = [_relocated(item, where, renamed) for item in details["errors"]]
        message = self.message
        for old, new in renamed.items():
            if old != new:  # "请求参数校验失败：items.0.ci_id" -> "...：body.items.0.ci_id" (a whole path only)
                message = re.sub(f"：{re.escape(old)}(?![\\w.\\[])", "：" + new.replace("\\", "\\\\"), message, count=1)
        return AppError(self.error, message, details)


def _relocated(item: Any, where: Callable[[str], str], renamed: dict[str, str]) -> Any:
    if not (isinstance(item, dict) and isinstance(item.get("field"), str)):
        return item
    renamed[item["field"]] = where(item["field"])
    return {**item, "field": renamed[item["field"]]}


def field_error(field: str, message: str, kind: str = "value_error") -> dict[str, str]:
    """One entry of VALIDATION_FAILED's details.errors. `field` is a path in the input (`items.0.ci_id`)."""
    return {"field": field, "message": message, "type": kind}


def invalid(problems: list[dict[str, str]]) -> AppError:
    """VALIDATION_FAILED naming every field at fault (the message names the first)."""
    return VALIDATION_FAILED(f"请求参数校验失败：{problems[0]['field']}", errors=problems)


def invalid_field(field: str, message: str, kind: str = "value_error") -> AppError:
    """VALIDATION_FAILED for one field."""
    return invalid([field_error(field, message, kind)])


def define(code: str, status: int, message: str, description: str = "") -> ErrorCode:
    """Register an error code once; a second definition of the same code is a programming error."""
    if code in _CATALOGUE:
        raise ValueError(f"error code {code} defined twice")
    error = ErrorCode(code, status, message, description, sys._getframe(1).f_globals.get("__name__", ""))
    _CATALOGUE[code] = error
    return error


def conflicts_of(context: str) -> list[ErrorCode]:
    """The 409 codes a route of `context` can answer: the kernel's (concurrent write, state) and the context's."""
    prefix = f"chalicelib.{context}."
    return [e for e in catalogue() if e.status == 409 and e.module.startswith(("chalicelib.core.", prefix))]


def catalogue() -> list[ErrorCode]:
    """Every defined code, sorted by status then code (the source of docs/error-codes.md)."""
    return sorted(_CATALOGUE.values(), key=lambda e: (e.status, e.code))


INVALID_JSON = define("INVALID_JSON", 400, "请求体不是合法的 JSON", "The body could not be parsed as JSON.")
BAD_REQUEST = define("BAD_REQUEST", 400, "请求无效", "The request is malformed in a way no field explains.")
UNAUTHENTICATED = define(
    "UNAUTHENTICATED", 401, "未认证：缺少或无效的访问令牌", "No token, or its signature, issuer or audience is wrong."
)
TOKEN_EXPIRED = define("TOKEN_EXPIRED", 401, "访问令牌已过期，请重新登录", "The token's exp is in the past.")
FORBIDDEN = define("FORBIDDEN", 403, "无权执行此操作", "The caller's roles do not include one the route admits.")
ENTERPRISE_SCOPE = define(
    "ENTERPRISE_SCOPE", 403, "无权访问其他企业的数据", "An enterprise user named another enterprise."
)
NOT_FOUND = define("NOT_FOUND", 404, "资源不存在", "No such resource, or it is outside the caller's scope.")
ROUTE_NOT_FOUND = define("ROUTE_NOT_FOUND", 404, "接口不存在", "No route matches the path.")
METHOD_NOT_ALLOWED = define("METHOD_NOT_ALLOWED", 405, "不支持该请求方法", "The route exists without this method.")
CONFLICT = define("CONFLICT", 409, "资源已存在或已被并发修改", "A unique key exists, or a concurrent write won.")
STATE_CONFLICT = define(
    "STATE_CONFLICT", 409, "当前状态不允许此操作", "The resource's state does not allow the operation."
)
PAYLOAD_TOO_LARGE = define(
    "PAYLOAD_TOO_LARGE", 413, "请求体过大", "The body exceeds API Gateway's 10 MB; answered by the gateway."
)
UNSUPPORTED_MEDIA_TYPE = define(
    "UNSUPPORTED_MEDIA_TYPE", 415, "不支持的请求内容类型，请使用 application/json", "Content-Type is not JSON."
)
VALIDATION_FAILED = define("VALIDATION_FAILED", 422, "请求参数校验失败", "details.errors names each field at fault.")
THROTTLED = define(
    "THROTTLED",
    429,
    "请求过于频繁，请稍后重试",
    "The stage's rate or burst limit was exceeded; answered by API Gateway. Retry with backoff.",
)
INTERNAL = define("INTERNAL", 500, "服务内部错误，请稍后重试", "Unexpected failure; the request id is logged.")
DEPENDENCY_UNAVAILABLE = define(
    "DEPENDENCY_UNAVAILABLE", 503, "依赖服务暂不可用", "A backing AWS service did not answer."
)
UPSTREAM_TIMEOUT = define(
    "UPSTREAM_TIMEOUT", 504, "服务响应超时，请稍后重试", "The API function did not answer within API Gateway's 29 s."
)
