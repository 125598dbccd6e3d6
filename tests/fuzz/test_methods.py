"""Methods the API does not document answer 405 in the project's error shape, on the embedded HTTP server too
(issue 10, finding 15: http.server answered TRACE with an HTML 501)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.xdist_group("fuzz")]


def _call(base: str, method: str, path: str) -> tuple[int, dict]:
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        conn.request(method, path, headers={"Content-Type": "application/json"})
        reply = conn.getresponse()
        return reply.status, json.loads(reply.read() or b"null")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("TRACE", "/health"),
        ("TRACE", "/sensors"),
        ("CONNECT", "/alarms"),
        ("PROPFIND", "/enterprises"),
        ("DELETE", "/health"),  # a method Chalice knows, on a path that does not declare it
        ("PUT", "/alarms"),
    ],
)
def test_an_undocumented_method_is_405_in_the_error_shape(live_api: str, method: str, path: str) -> None:
    status, body = _call(live_api, method, path)
    assert status == 405, body
    assert set(body) == {"code", "message", "details", "request_id"} and body["code"] == "METHOD_NOT_ALLOWED"
