"""File rules: chalicelib files stay under 250 lines, and every context has the documented files (domain,
schemas, store, service, routes, handlers) or the README's "Context files" table says why not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 250
DATA_TABLES = "*_data.py"  # transcribed standard tables (GB 18218 表1/表2, AEGL values): long by nature
FILES = ("domain", "schemas", "store", "service", "routes", "handlers")
CONTEXTS = sorted(p for p in (ROOT / "chalicelib").iterdir() if (p / "__init__.py").exists() and p.name != "core")


def test_chalicelib_files_stay_under_250_lines():
    exempt = set((ROOT / "chalicelib").rglob(DATA_TABLES))
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "chalicelib").rglob("*.py"))
        if p not in exempt and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these into a package of the same name (ARCHITECTURE.md 4): {long}"
    assert exempt, "the data-table exemption names files that exist"


def _documented_gaps() -> dict[str, set[str]]:
    """The README's "Context files" table: context -> the files it has not, each with a reason."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Context files", 1)[1].split("\n## ", 1)[0]
    gaps: dict[str, set[str]] = {}
    for context, files, why in re.findall(r"^\| `(\w+)` \| ([\w., ]+) \| (.+) \|$", section, flags=re.M):
        assert why.strip(), context
        gaps[context] = {f.strip().removesuffix(".py") for f in files.split(",")}
    return gaps


def _has(context: Path, name: str) -> bool:
    return (context / f"{name}.py").exists() or (context / name / "__init__.py").exists()


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda p: p.name)
def test_every_context_has_the_documented_files_or_says_why_not(context: Path):
    gaps = _documented_gaps()
    missing = {name for name in FILES if not _has(context, name)}
    assert missing == gaps.get(context.name, set()), (
        f"{context.name}: missing {sorted(missing)}, README lists {sorted(gaps.get(context.name, set()))}"
    )


def test_the_readme_table_names_only_real_contexts():
    assert set(_documented_gaps()) <= {c.name for c in CONTEXTS}
