"""Step Functions time: Wait states and Retry intervals really sleep in moto; tests make them instant or hold a
Wait open until the test has acted. Task timeouts (TimeoutSecondsPath, heartbeats) are never touched."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from local.moto_patches import targets as t

_waits = SimpleNamespace(mode="real", release=threading.Event())  # mode: "real" | "instant" | "held"


class _RetrierClock:
    """Stands in for the `time` module inside moto's retrier: a Retry interval follows the wait mode."""

    stands_in_for = time

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        if _waits.mode == "real":
            time.sleep(seconds)


def patch_waits() -> None:
    original = t.WAIT_INTERVAL.resolve()

    def wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
        if _waits.mode == "real":
            return original(self, env, wait_seconds)
        release = _waits.release
        if _waits.mode == "held" and wait_seconds > 0:
            while not release.wait(0.05) and env.is_running():
                pass
        return None

    t.WAIT_INTERVAL.replace(wait_interval)
    t.RETRIER_CLOCK.replace(_RetrierClock())


def set_instant(on: bool) -> None:
    _waits.mode = "instant" if on else "real"


@contextlib.contextmanager
def held() -> Iterator[None]:
    previous, release = _waits.mode, threading.Event()
    _waits.mode, _waits.release = "held", release
    try:
        yield
    finally:
        _waits.mode = previous
        release.set()
