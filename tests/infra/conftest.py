"""Infra fixtures: one offline CDK synth per session, in a subprocess with its own stage, prefix and jsii."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.infra.cfn import ROOT, WHEELHOUSE, load_template, run_synth


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run `python infra/app.py` once; returns the cloud assembly directory (a temp dir, not cdk.out/)."""
    if not (WHEELHOUSE / ".complete").exists():
        pytest.fail("no wheelhouse: run `make wheelhouse` once (the synth packages Lambda deps offline)")
    outdir = tmp_path_factory.mktemp("cdk-out")
    work = tmp_path_factory.mktemp("synth-cwd")  # chalice.out/ lands in the working directory
    # cdk-nag runs inside this one synth (infra/nag.py); tests/infra/test_nag.py reads its report.
    done = run_synth([str(ROOT / "infra" / "app.py")], outdir, work, context={"nag": "1"})
    assert done.returncode == 0, f"synth failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return outdir


@pytest.fixture(scope="session")
def template(synth: Path) -> dict[str, Any]:
    return load_template(synth)


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return template["Resources"]
