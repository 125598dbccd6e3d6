"""Requests answered at once from several threads (the local server, the tests' client) each keep their own caller."""

from __future__ import annotations

import threading
from typing import Any

from chalice.app import Request


def _request(subject: str) -> Request:
    event = {
        "requestContext": {"resourcePath": "/me", "httpMethod": "GET", "identity": {"sourceIp": "127.0.0.1"}},
        "headers": {"authorization": f"Bearer {subject}"},
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
    }
    return Request(event)


def test_each_thread_reads_the_request_it_is_answering(app: Any) -> None:
    """Chalice keeps the current request on the app: shared, a second request overwrote the first one's caller
    mid-flight (the concurrent audit test once chained one writer's record under another's name)."""
    both_set, seen = threading.Barrier(2), {}

    def answer(subject: str) -> None:
        app.current_request = _request(subject)
        both_set.wait(timeout=5)  # the other thread has set its request too
        seen[subject] = app.current_request.headers["authorization"]

    threads = [threading.Thread(target=answer, args=(s,)) for s in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": "Bearer a", "b": "Bearer b"}
