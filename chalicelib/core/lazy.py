"""Lazy modules: bound at import, executed on first attribute access.

Store modules (PynamoDB models) pull in botocore, the largest import of all; loading them lazily keeps
`import app` (every cold start, and every Lambda that never touches a given table) near the floor.
`install()` (called once by the `chalicelib` package) makes every `chalicelib.<context>.store` lazy, so a
service writes the plain, typed `from chalicelib.<context> import store` and pays for the models only when
it first uses one. `lazy_module` does the same for one named module (an optional heavy dependency).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

STORE = re.compile(r"chalicelib\.(?!core\.)[a-z_]+\.store")  # a context's tables, not the kernel's helpers


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
class Deferred:
    """An attribute named by module and name, imported only when resolved: a route's response model from a heavy
    library (geojson-pydantic) is needed by the OpenAPI document, never by a Lambda's cold start."""

    module: str
    name: str

    def resolve(self) -> Any:
        return getattr(importlib.import_module(self.module), self.name)


class LazyStores:
    """Meta path finder: a context's `store` module is found as usual, then loaded lazily."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if not STORE.fullmatch(name):
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


def install() -> None:
    """Make every context's store module lazy (idempotent)."""
    if not any(isinstance(finder, LazyStores) for finder in sys.meta_path):
        sys.meta_path.insert(0, LazyStores())
