"""Test harness: one moto server per test process, provisioned from the catalogue, and role tokens."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local import env  # noqa: E402

env.configure(stage="test", prefix="chempark-test")
env.share_botocore_loader()

from local.issuer import Issuer  # noqa: E402

ISSUER = Issuer.generate()
os.environ["CHEMPARK_JWT_PUBLIC_KEY"] = ISSUER.public_pem
os.environ.setdefault(
    "CHEMPARK_LIVE_URL", "ws://127.0.0.1:9/mqtt"
)  # GET /live/connection answers (a test with a broker sets its own)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto with our patches; Wait states and Retry intervals take no time (workflow timers come from
    settings, and task timeouts, which tests do measure, stay real)."""
    from local import moto_patches

    server, url = env.start_moto(in_process=True)
    moto_patches.fast_waits()
    yield url
    server.stop()  # type: ignore[attr-defined]


def _provision() -> Any:
    from chalicelib.core import settings
    from local.provision import provision

    settings.reset()
    return provision()


@pytest.fixture(scope="session")
def stack(moto_server: str) -> Any:
    """Every resource, provisioned once per test process; tests isolate by creating their own data."""
    return _provision()


def _fresh(moto_server: str) -> Any:
    import requests

    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    return _provision()


@pytest.fixture
def fresh_stack(stack: Any, moto_server: str) -> Any:
    """An empty, newly provisioned stack for tests that need whole tables to themselves.

    Provisioned once: the stack it leaves behind is complete (same names, URLs and ARNs as the shared one), so
    the tests that follow run on it as on any stack holding other tests' data."""
    return _fresh(moto_server)


@pytest.fixture(scope="module")
def module_stack(stack: Any, moto_server: str) -> Any:
    """`fresh_stack` once for a whole module, whose sweeps or chain walks read whole tables (every post, every
    alarm, the audit chain from its genesis): their cost then follows the module's own data, not all that the
    tests before it in this process wrote (the on-duty sweep tests took 36 s in the suite, 6 s on their own).
    A worker runs a module's tests after every test of the modules collected before it, so none of their data
    is still in use."""
    return _fresh(moto_server)


@pytest.fixture(scope="session")
def mqtt_broker(device_pki: Any) -> Iterator[Any]:
    """One MQTT broker per test process (tests.support.start_broker, TLS with `device_pki`'s certificates);
    each test attaches its own clients."""
    from tests.support import start_broker

    broker = start_broker(device_pki)
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def device_pki(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A device CA of this test process (local/pki.py), in a temporary directory."""
    from local.pki import Pki

    return Pki.load_or_create(tmp_path_factory.mktemp("devices"))


@pytest.fixture(scope="session")
def app(stack: Any) -> Any:
    import app as chalice_app
    from chalicelib.core import lazy
    from local.stack import thread_safe

    lazy.load_all()  # tests call from threads; Python 3.11's lazy loader is not thread-safe
    return thread_safe(chalice_app.app)  # and concurrent requests must not read each other's caller


class Api:
    """chalice.test.Client with tokens: `api.get("/x", role="auditor")`, JSON bodies, parsed replies."""

    def __init__(self, client: Any) -> None:
        self.client = client

    @staticmethod
    def token(role: str | list[str], enterprise_id: str | None = None, subject: str | None = None, **kw: Any) -> str:
        roles = [role] if isinstance(role, str) else role
        return ISSUER.token(subject or f"user-{'-'.join(roles)}", roles, enterprise_id, **kw)

    def call(
        self,
        method: str,
        path: str,
        role: str | list[str] | None = None,
        enterprise_id: str | None = None,
        json: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        body: bytes | str | None = None,
    ) -> Any:
        import orjson

        h = {"Content-Type": "application/json", **(headers or {})}
        if token is None and role is not None:
            token = self.token(role, enterprise_id)
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        payload = body if body is not None else (orjson.dumps(json) if json is not None else b"")
        response = self.client.http.request(method, path, headers=h, body=payload)
        response.json = orjson.loads(response.body) if response.body else None
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.call("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Any:
        return self.call("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.call("DELETE", path, **kw)


@pytest.fixture
def api(app: Any) -> Iterator[Api]:
    from chalice.test import Client

    with Client(app) as client:
        yield Api(client)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `--dist loadgroup` grouping: pytest-xdist 3.8 marks a test's group by rewriting `item._nodeid`,
    which pytest 9.2's structured node ids ignore (pytest-dev/pytest-xdist#1386), so every `xdist_group` was
    spread over both workers and each worker ran its own CDK synth. Runs on workers only, after xdist's hook,
    and does nothing once xdist's own suffix takes effect."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        marks = item.iter_markers("xdist_group")
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in marks})
        suffix = "@" + "_".join(groups)
        if groups and not item.nodeid.endswith(suffix):
            item._id = NodeId.parse(item.nodeid + suffix)
