"""Boundaries the import contracts (pyproject.toml, run by `make test`) cannot see: app.py is a table of
contents, no context imports another inside a function body, and the composition root wires every port."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = sorted(p.name for p in (ROOT / "chalicelib").iterdir() if (p / "__init__.py").exists() and p.name != "core")


def _context_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chalicelib" and parts[1] in CONTEXTS else None


def _imports(node: ast.AST) -> list[tuple[int, str]]:
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.ImportFrom) and n.module and n.level == 0:
            found += [(n.lineno, n.module)] + [(n.lineno, f"{n.module}.{a.name}") for a in n.names]
        elif isinstance(n, ast.Import):
            found += [(n.lineno, a.name) for a in n.names]
    return found


def test_app_is_a_table_of_contents():
    """app.py wires the ports and registers Blueprints: routes and handlers of each context, the kernel's
    middleware, the composition root; nothing else."""
    kernel = (["chalicelib", "core", "responses"], ["chalicelib", "core", "observability"])
    for line, name in _imports(ast.parse((ROOT / "app.py").read_text())):
        parts = name.split(".")
        ok = (
            parts[0] == "chalice"
            or name == "chalicelib"
            or parts[:2] == ["chalicelib", "bootstrap"]
            or parts[:3] in kernel
            or (_context_of(name) is not None and len(parts) > 2 and parts[2] in ("routes", "handlers"))
        )
        assert ok, f"app.py:{line} imports {name}"


def _function_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [i for b in fn.body for i in _imports(b)]
    return found


@pytest.mark.parametrize("context", CONTEXTS)
def test_no_context_imports_another_inside_a_function(context: str):
    """Cross-context imports stand at the top of the module (through service.py; the contracts check that),
    so the import graph, the layers and cold start all see them."""
    offenders = []
    for path in sorted((ROOT / "chalicelib" / context).rglob("*.py")):
        for line, name in _function_imports(path):
            other = _context_of(name)
            if other is not None and other != context:
                offenders.append(f"{path.relative_to(ROOT)}:{line} -> {name}")
    assert not offenders, offenders


def test_the_kernel_imports_no_context_even_inside_a_function():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} -> {name}"
        for path in sorted((ROOT / "chalicelib" / "core").rglob("*.py"))
        for line, name in _imports(ast.parse(path.read_text(encoding="utf-8")))
        if _context_of(name) is not None
    ]
    assert not offenders, offenders


def test_every_port_is_wired_by_bootstrap(app):
    """After `import app` (which runs bootstrap.wire()), no port is left empty."""
    from chalicelib.access.ports import PORTS as access
    from chalicelib.alarms.ports import PORTS as alarms
    from chalicelib.core import auditing
    from chalicelib.dangers.ports import PORTS as dangers
    from chalicelib.duty.ports import PORTS as duty
    from chalicelib.incidents.ports import PORTS as incidents
    from chalicelib.linkage.ports import PORTS as linkage
    from chalicelib.live.ports import PORTS as live
    from chalicelib.notify import channels
    from chalicelib.onduty.ports import PORTS as onduty
    from chalicelib.onemap.domain import COMPOSED
    from chalicelib.onemap.ports import PORTS as onemap
    from chalicelib.risk.ports import PORTS as risk
    from chalicelib.warnings.ports import PORTS as warnings

    assert onduty.last_seen is not None
    assert auditing._sink is not None and channels._sms is not None
    assert alarms.plans is not None and alarms.last_values is not None and alarms.subscribers
    assert duty.open_warnings is not None and duty.unacked_alarms is not None
    assert incidents.last_values is not None and incidents.listeners and warnings.listeners
    assert linkage.nearest_resources is not None
    assert linkage.locator is not None
    assert dangers.exchange is not None and dangers.subscribers
    assert access.gate_commands is not None and access.routes is not None
    assert risk.active_work is not None and risk.vacancies is not None
    assert live.risk_view is not None
    assert onemap.incident_zones is not None and set(onemap.layers) == set(COMPOSED)
    port_modules = sorted(p.relative_to(ROOT / "chalicelib").parts[0] for p in (ROOT / "chalicelib").glob("*/ports.py"))
    assert port_modules == [
        "access",
        "alarms",
        "dangers",
        "duty",
        "incidents",
        "linkage",
        "live",
        "onduty",
        "onemap",
        "risk",
        "warnings",
    ], "a new ports.py must be wired (and tested) here"


def test_no_module_fills_another_modules_port_at_import():
    """Only chalicelib/bootstrap.py calls the wiring functions (`wire`, `use_*`)."""
    offenders = []
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        if path.name == "bootstrap.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = node.func.attr
                if name == "wire" or name.startswith("use_"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {name}")
    assert not offenders, offenders


def test_the_context_map_in_the_docs_is_the_import_graph():
    """docs/architecture.md's "Who calls whom" table names, for every context, exactly the contexts it imports."""
    import grimp

    graph = grimp.build_graph("chalicelib")
    actual = {}
    for context in CONTEXTS:
        modules = {f"chalicelib.{context}"} | graph.find_descendants(f"chalicelib.{context}")
        used = {_context_of(i) for m in modules for i in graph.find_modules_directly_imported_by(m)}
        actual[context] = sorted(c for c in used if c is not None and c != context)
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    documented = {
        context: sorted(c.strip() for c in calls.split(",")) if calls.strip() != "—" else []
        for context, calls in re.findall(r"^\| `(\w+)` \| ([^|]+) \|", text, flags=re.M)
    }
    assert documented == actual


def test_the_layers_in_the_docs_are_the_contract():
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contract["contracts"] if c["id"] == "context-map"]
    documented = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in layers[1:-1]:  # bootstrap and core are drawn by their full names
        assert layer.replace("chalicelib.", "") in documented, layer


def _loose(hint: object) -> bool:
    """Whether a type is or holds `Any` (a document rather than a typed view)."""
    return hint is typing.Any or any(_loose(arg) for arg in typing.get_args(hint))


def test_other_contexts_read_the_registry_through_typed_views():
    """Issue 11 item 4: every registry function another context calls returns frozen views (or plain ids and
    flags), never the registry's documents (dict[str, Any]); the registry's routes and the composition root
    (map layers, GeoJSON by contract) are its own business."""
    from chalicelib.registry import service

    used: dict[str, str] = {}
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[1] == "registry" or relative.name == "bootstrap.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            a.asname or a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module == "chalicelib.registry"
            for a in n.names
            if a.name == "service"
        }
        for n in ast.walk(tree):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases:
                used.setdefault(n.attr, f"{relative}:{n.lineno}")
    assert {"sensor_profiles", "zone", "require"} <= set(used)  # the walk sees the callers
    loose = []
    for name, where in sorted(used.items()):
        fn = getattr(service, name)
        if inspect.isfunction(fn) and _loose(returns := typing.get_type_hints(fn).get("return")):
            loose.append(f"{where} calls registry.{name}, which returns {returns}")
    assert not loose, loose
