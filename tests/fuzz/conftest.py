"""The embedded API served over HTTP on a loopback port, for the tests that need a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def live_api(stack: Any, app: Any) -> Iterator[str]:
    """The Chalice local server as `make run` serves it (local.stack), on a free 127.0.0.1 port, with a small
    park seeded so that reads find something."""
    from chalice.test import Client

    from local.env import free_port
    from local.stack import _ApiServer
    from tests.conftest import Api
    from tests.support import make_park

    with Client(app) as client:
        make_park(Api(client))
    port = free_port()
    server = _ApiServer(app, port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()
