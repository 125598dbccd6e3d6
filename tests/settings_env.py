"""Tests change a setting the way a deployment does: through its environment variable, then re-read.

`Settings` is read once per process and cached; the `setenv` fixture sets a variable and drops the cache, and
drops it again at teardown, so the next test reads the environment monkeypatch has restored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from chalicelib.core import settings


@pytest.fixture(name="setenv")
def setenv_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """`setenv(name, value)`: a test module imports this fixture (`from tests.settings_env import setenv_fixture`)."""

    def set_(name: str, value: str) -> None:
        monkeypatch.setenv(name, value)
        settings.reset()

    yield set_
    settings.reset()  # before monkeypatch restores the variables: the next read sees the restored ones
