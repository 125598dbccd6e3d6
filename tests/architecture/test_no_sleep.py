"""No request handler sleeps or polls (issue 10 item 9): `time.sleep` appears in no chalicelib module that a
route can reach, through its imports or through a port the composition root wires (bootstrap imports every
adapter it fills a port with). A request waits for nobody: a workflow's next state is answered as it is now."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules allowed to sleep, with the reason. Empty: the audit chain, the last one, now stores each record first
# and chains it later in one sequencer (docs/audit.md), so no request waits on contention.
KNOWN: dict[str, str] = {}


def module_path(module: str, root: Path = ROOT) -> Path | None:
    base = root.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def imported(path: Path, root: Path = ROOT) -> set[str]:
    """Every chalicelib module `path` imports, anywhere in the file (module level, functions, TYPE_CHECKING)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts)
    # the package relative imports start from: the module's own for __init__, its parent's otherwise
    package = package.removesuffix(".__init__") if path.name == "__init__.py" else package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            for n in range(1, len(parts) + 1):  # the packages on the way are imported too
                candidate = ".".join(parts[:n])
                if parts[0] == "chalicelib" and module_path(candidate, root) is not None:
                    found.add(candidate)
    return found


def reachable(roots: list[str], root: Path = ROOT) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop()
        path = module_path(module, root)
        if module in seen or path is None:
            continue
        seen.add(module)
        todo += sorted(imported(path, root) - seen)
    return seen


def sleeps(path: Path) -> list[int]:
    """Lines calling time.sleep, however it was imported (`import time [as t]`, `from time import sleep [as s]`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "time"}
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            functions |= {a.asname or a.name for a in node.names if a.name == "sleep"}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (
            isinstance(f, ast.Attribute)
            and f.attr == "sleep"
            and isinstance(f.value, ast.Name)
            and f.value.id in modules
        ) or (isinstance(f, ast.Name) and f.id in functions):
            lines.append(node.lineno)
    return lines


def route_roots(root: Path = ROOT) -> list[str]:
    routes = sorted(root.glob("chalicelib/*/routes.py"))
    return ["chalicelib.bootstrap", "chalicelib.core.http"] + [
        ".".join(p.relative_to(root).with_suffix("").parts) for p in routes
    ]


def test_no_module_a_route_reaches_sleeps() -> None:
    modules = reachable(route_roots())
    assert {"chalicelib.warnings.service.steps", "chalicelib.incidents.service.lifecycle", "chalicelib.core.steps"} <= (
        modules
    ), "the walk lost the human-step modules"
    offenders = {
        f"{m}:{line}"
        for m in sorted(modules - set(KNOWN))
        for line in sleeps(module_path(m))  # type: ignore[arg-type]
    }
    assert not offenders, f"time.sleep in a module a request handler reaches: {sorted(offenders)}"


def test_the_scan_sees_every_form_of_sleep_and_import(tmp_path: Path) -> None:
    pkg = tmp_path / "chalicelib" / "demo"
    pkg.mkdir(parents=True)
    (tmp_path / "chalicelib" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "routes.py").write_text("from chalicelib.demo import service\nfrom . import helpers\n")
    (pkg / "service.py").write_text("import time as t\n\ndef f():\n    t.sleep(1)\n")
    (pkg / "helpers.py").write_text("def g():\n    from time import sleep as nap\n    nap(0.2)\n")
    (pkg / "unused.py").write_text("import time\ntime.sleep(1)\n")
    found = reachable(["chalicelib.demo.routes"], tmp_path)
    assert found == {
        "chalicelib",
        "chalicelib.demo",
        "chalicelib.demo.routes",
        "chalicelib.demo.service",
        "chalicelib.demo.helpers",
    }
    assert sleeps(pkg / "service.py") == [4] and sleeps(pkg / "helpers.py") == [3]
    assert sleeps(pkg / "unused.py") == [2] and sleeps(pkg / "routes.py") == []
