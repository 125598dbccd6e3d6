"""Lazy modules: bound at import, executed on first attribute access.

Every route module imports its context's `service`, and every service pulls in its stores, other contexts
and their schemas: loading them all at `import app` made the cold start grow with each new context.
`install()` (called once by the `chalicelib` package) makes every `chalicelib.<context>.store` and
`chalicelib.<context>.service` lazy, so a module writes the plain, typed `from chalicelib.<context> import
service` and a Lambda pays for a context only when a request first uses it. `deferred` lets the composition
root wire a port without loading the module that fills it; `load_all` executes whatever is still pending
(the local stack serves threads, and Python 3.11's LazyLoader is not thread-safe; the docs generator needs
every error code). `lazy_module` does the same for one named module (an optional heavy dependency).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, TypeVar, cast

LAZY = re.compile(r"chalicelib\.(?!core\.)[a-z_]+\.(store|service)")  # a context's tables and use cases

T = TypeVar("T")


def lazy_module(name: str) -> ModuleType:
    """The module `name`, executed only when one of its attributes is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


@dataclass(frozen=True)
class NamedRef:
    """An attribute named by module and name, imported only when resolved: a route's response model from a heavy
    library (geojson-pydantic) is needed by the OpenAPI document, never by a Lambda's cold start."""

    module: str
    name: str

    def resolve(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)


class LazyContexts:
    """Meta path finder: a context's `store` or `service` module is found as usual, then loaded lazily."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if not LAZY.fullmatch(name):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


class _Deferred:
    """Stands for `factory()` until first used, then forwards calls and attributes to it."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._target: Any = None

    def _resolve(self) -> Any:
        if self._target is None:
            self._target = self._factory()
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._resolve(), name)


def deferred(factory: Callable[[], T]) -> T:
    """`factory()` built on first use: `deferred(lambda: risk.on_alarm_events)` fills a port without loading
    `risk.service` until an alarm event arrives; the lambda keeps the reference visible to mypy."""
    return cast(T, _Deferred(factory))


def is_pending(module: ModuleType) -> bool:
    """True while a lazy module has not run yet (reading its type does not trigger the load)."""
    return isinstance(module, importlib.util._LazyModule)  # type: ignore[attr-defined]


def load_all() -> int:
    """Execute every lazy module bound so far (and those they bind in turn); return how many ran."""
    ran = 0
    while pending := [m for m in list(sys.modules.values()) if m is not None and is_pending(m)]:
        for module in pending:
            if is_pending(module):
                _ = module.__name__  # any attribute read runs the module
                ran += 1
    return ran


def install() -> None:
    """Make every context's store and service module lazy (idempotent)."""
    if not any(isinstance(finder, LazyContexts) for finder in sys.meta_path):
        sys.meta_path.insert(0, LazyContexts())
