"""schemathesis hooks for tests/fuzz: every 4xx and 5xx answers in the project's one error shape."""

from __future__ import annotations

import ast
import threading
from typing import Any

import schemathesis

# CPython 3.11.7 keeps the AST constructor's recursion depth per interpreter, not per thread (gh-106905): two
# schemathesis workers parsing at once (hypothesis parses lambda sources to describe filtered strategies) fail
# with "SystemError: AST constructor recursion depth mismatch", a runtime error of the fuzzer, not an answer of
# the API. One parse at a time in this process.
_parse, _parse_lock = ast.parse, threading.Lock()


def _one_parse_at_a_time(*args: Any, **kwargs: Any) -> Any:
    with _parse_lock:
        return _parse(*args, **kwargs)


ast.parse = _one_parse_at_a_time

SHAPE = {"code", "message", "details", "request_id"}


@schemathesis.check
def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx/5xx body is `{"code","message","details","request_id"}` (JSON, code a non-empty string)."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except Exception as exc:
        raise AssertionError(f"{response.status_code} body is not JSON: {response.text[:200]!r}") from exc
    if not isinstance(body, dict) or set(body) != SHAPE:
        raise AssertionError(f"{response.status_code} body is not the error shape: {str(body)[:300]}")
    if not (isinstance(body["code"], str) and body["code"]) or not isinstance(body["details"], dict):
        raise AssertionError(f"{response.status_code} error body has a bad code or details: {str(body)[:300]}")
    return True
