"""Structural rules: pure domains, declared roles, generated docs in sync, one error shape."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

import app as _app  # noqa: F401
from chalicelib.core import errors
from chalicelib.core.http import ROUTES

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("boto3", "botocore", "pynamodb", "chalice", "moto", "requests")
DOMAINS = sorted([*ROOT.glob("chalicelib/**/domain.py"), *ROOT.glob("chalicelib/**/domain/*.py")])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _transitive(path: Path, seen: set[Path]) -> set[str]:
    """Every module a file imports, following the project's own modules."""
    if path in seen:
        return set()
    seen.add(path)
    found = _imports(path)
    for name in list(found):
        if name.startswith("chalicelib"):
            target = _module_file(name)
            if target is not None:
                found |= _transitive(target, seen)
    return found


def test_there_are_domain_modules():
    assert len(DOMAINS) >= 5


@pytest.mark.parametrize("path", DOMAINS, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_are_pure(path: Path):
    bad = sorted(n for n in _transitive(path, set()) if n.split(".")[0] in FORBIDDEN)
    assert not bad, f"{path.relative_to(ROOT)} reaches infrastructure modules: {bad}"


def test_every_route_declares_roles_and_a_summary():
    assert ROUTES
    for spec in ROUTES:
        assert spec.public or spec.roles, spec.path
        assert spec.summary, f"{spec.method} {spec.path} has no docstring summary (it documents the API)"


def test_writes_are_always_audited():
    for spec in ROUTES:
        if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
            assert spec.audit, f"{spec.method} {spec.path}"


def test_public_routes_are_only_health_and_docs():
    assert {s.path for s in ROUTES if s.public} == {"/health", "/openapi.json", "/docs", "/docs/{asset}"}


def test_request_bodies_carry_a_valid_example():
    """Examples feed the OpenAPI document and the tenancy walk; a broken one would hide a check."""
    for spec in ROUTES:
        if spec.body is None or not spec.body.model_fields:
            continue
        examples = (spec.body.model_config.get("json_schema_extra") or {}).get("examples")
        assert examples, f"{spec.body.__name__} ({spec.method} {spec.path}) needs an example"
        spec.body.model_validate(examples[0])


def test_error_codes_are_unique_and_have_chinese_messages():
    codes = errors.catalogue()
    assert len({c.code for c in codes}) == len(codes)
    for c in codes:
        assert c.code.isupper() and c.code.replace("_", "").isalnum(), c.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c.message), c.code
        assert 400 <= c.status <= 599


def test_generated_docs_are_committed_and_current():
    from local.docs import render

    for rel, text in render().items():
        path = ROOT / rel
        assert path.exists(), f"{rel} missing: run `make docs`"
        assert path.read_text(encoding="utf-8") == text, f"{rel} is stale: run `make docs` and commit"


def test_openapi_is_valid_3_1():
    from openapi_spec_validator import validate

    from chalicelib.core.openapi import document

    doc = document()
    assert doc["openapi"] == "3.1.0"
    validate(doc)
