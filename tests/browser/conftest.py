"""Browser tests: the embedded stack (`make run`, in a subprocess with its own state directory) and Debian's
Chromium driven by Playwright, WebGL through SwiftShader. Never `playwright install` (it downloads a browser from
a CDN): `.ci/run` installs the `chromium` and `fonts-noto-cjk` packages with apt-get. Without Chromium these tests
skip with a loud reason (and `make test` prints a warning); with CI set they fail instead."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "reports" / "console"
CHROMIUM_ARGS = [
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",  # Chrome no longer falls back to SwiftShader for WebGL on its own
    "--ignore-gpu-blocklist",
    "--no-sandbox",  # CI runs as root in a container
    "--disable-dev-shm-usage",
]
READY = "embedded stack is running"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def require_chromium() -> str:
    path = chromium_path()
    if path:
        return path
    message = "Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk): browser tests NOT RUN"
    if os.environ.get("CI"):
        pytest.fail(message + " — CI must run them")
    pytest.skip("!!! " + message + " !!!")


@dataclass
class EmbeddedStack:
    api: str
    mqtt_port: int
    state: Path
    process: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, user: str) -> str:
        if user not in self.tokens:
            r = requests.post(f"{self.api}/console/auth/token", json={"username": user}, timeout=10)
            r.raise_for_status()
            self.tokens[user] = r.json()["token"]
        return self.tokens[user]

    def call(self, method: str, path: str, user: str = "park_admin", body: Any = None) -> Any:
        r = requests.request(
            method, self.api + path, json=body, timeout=30, headers={"Authorization": f"Bearer {self.token(user)}"}
        )
        assert r.status_code in (200, 201), f"{method} {path} -> {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def simulator(self, command: dict[str, Any]) -> None:
        """A control message to the stack's simulator (the demo's chlorine leak), as `make demo` sends it."""
        from local.demo import Env, control

        control(Env(self.api, "", {}, mqtt=("127.0.0.1", self.mqtt_port), devices=self.state / "devices"), command)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the stack and nothing else
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStack]:
    """`python -m local.stack` on free ports, once per module, with a clean environment (not the test
    harness's moto) and a state directory of its own (a developer's `make run` keeps .local/)."""
    require_chromium()
    if not (ROOT / "console" / "dist" / "index.html").exists():
        pytest.fail("console/dist is missing: `make setup` builds the console")
    from local.env import free_port

    state = tmp_path_factory.mktemp("stack-state")
    api_port, mqtt_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHEMPARK_", "AWS_", "MOTO_"))}
    env.update(CHEMPARK_LOCAL_STATE=str(state), PYTHONPATH=str(ROOT), TZ="UTC")
    log = (state / "stack.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack", "--api-port", str(api_port), "--mqtt-port", str(mqtt_port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while READY not in (state / "stack.out").read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("embedded stack did not start:\n" + (state / "stack.out").read_text()[-4000:])
            time.sleep(0.5)
        yield EmbeddedStack(f"http://127.0.0.1:{api_port}", mqtt_port, state, process)
    finally:
        _stop(process)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    path = require_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Outside:
    """Every request the page tried to send anywhere but the embedded stack (refused)."""

    def __init__(self, api: str) -> None:
        self.api, self.urls = api, []

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.api, "blob:", "data:")):
            route.continue_()
        else:
            self.urls.append(url)
            route.abort()


def new_page(browser: Any, stack: EmbeddedStack, user: str) -> tuple[Any, Outside]:
    """A signed-in console page: the login form, as a person would use it."""
    context = browser.new_context(viewport={"width": 1500, "height": 980}, locale="zh-CN", timezone_id="Asia/Shanghai")
    outside = Outside(stack.api)
    context.route("**/*", outside.route)
    page = context.new_page()
    page.goto(f"{stack.api}/console/")
    page.get_by_test_id("user").select_option(user)
    page.get_by_role("button", name="登录").click()
    return page, outside


def shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def record(measurements: dict[str, Any]) -> None:
    """Merge figures into bench/results/console.json (other writers keep their keys)."""
    path = ROOT / "bench" / "results" / "console.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data.update(measurements)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
