"""The guard of every moto internal we touch: a Target names one, checks it and replaces it; MotoChanged says
which one a moto upgrade moved ("moto X.Y.Z changed <name>: check the moto pin")."""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from importlib import metadata
from types import SimpleNamespace
from typing import Any

# full_attribute_reads: moto computed every attribute of a queue (O(depth)); tables_not_copied: a transaction
# asked for a deep copy of a table and got the table itself (the undo log covers it); attribute_values_written:
# DynamoDB attribute values written into a response without moto's generic serializer. Tests read them.
counters = SimpleNamespace(full_attribute_reads=0, tables_not_copied=0, attribute_values_written=0)


class MotoChanged(RuntimeError):
    """A private moto name this package relies on is gone or has other parameters: check the moto pin."""


def version() -> str:
    return metadata.version("moto")


def changed(name: str, why: str) -> MotoChanged:
    return MotoChanged(f"moto {version()} changed {name} ({why}): check the moto pin")


@dataclass(frozen=True)
class Target:
    """A private moto attribute (`path` may be dotted, e.g. `Class.method`) and the parameters we rely on."""

    module: str
    path: str
    params: tuple[str, ...] | None = None  # a function's parameters (or the first ones, when not `exact`)
    exact: bool = True  # we replace it: the replacement must take exactly these parameters

    @property
    def name(self) -> str:
        return f"{self.module}.{self.path}"

    def resolve(self) -> Any:
        """The attribute as stored (a property stays a property), checked; raises MotoChanged otherwise."""
        try:
            obj: Any = importlib.import_module(self.module)
            for part in self.path.split("."):
                obj = inspect.getattr_static(obj, part)
        except (ImportError, AttributeError) as exc:
            raise changed(self.name, f"gone: {exc}") from None
        if self.params is not None:
            found = parameters(obj.fget if isinstance(obj, property) else obj)
            compared = found if found is None or self.exact else found[: len(self.params)]
            if compared != self.params:
                raise changed(self.name, f"parameters {found}, expected {self.params}")
        return obj

    def replace(self, value: Any) -> None:
        """Set `value` in place of the attribute, on the class or module that holds it."""
        owner: Any = importlib.import_module(self.module)
        for part in self.path.split(".")[:-1]:
            owner = getattr(owner, part)
        setattr(owner, self.path.rsplit(".", 1)[-1], value)


def parameters(fn: Any) -> tuple[str, ...] | None:
    try:
        return tuple(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def original(fn: Any) -> Any:
    """The function our wrappers and replacements stand in front of (itself when unpatched)."""
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def source_has(target: Target, text: str) -> bool:
    """Whether moto's own code of `target` (behind our wrappers) still contains `text`."""
    return text in inspect.getsource(original(target.resolve()))
