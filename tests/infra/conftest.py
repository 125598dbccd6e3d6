"""Infra fixtures: one offline CDK synth per session, in a subprocess with its own stage, prefix and jsii: the real
stack (as `python infra/app.py`) and the probe stack of test_generic_paths.py, in one process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.infra.cfn import ROOT, WHEELHOUSE, load_template, run_synth


@pytest.fixture(scope="session")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run tests/infra/synth.py once; the cloud assembly directories (temp dirs, not cdk.out/) by stack."""
    if not (WHEELHOUSE / ".complete").exists():
        pytest.fail("no wheelhouse: run `make wheelhouse` once (the synth packages Lambda deps offline)")
    outdir, probe = tmp_path_factory.mktemp("cdk-out"), tmp_path_factory.mktemp("probe-out")
    work = tmp_path_factory.mktemp("synth-cwd")  # chalice.out/ lands in the working directory
    done = run_synth([str(ROOT / "tests" / "infra" / "synth.py"), str(probe)], outdir, work)
    assert done.returncode == 0, f"synth failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return {"app": outdir, "probe": probe}


@pytest.fixture(scope="session")
def synth(assemblies: dict[str, Path]) -> Path:
    """The real stack's cloud assembly."""
    return assemblies["app"]


@pytest.fixture(scope="session")
def probe_dir(assemblies: dict[str, Path]) -> Path:
    """The probe stack's cloud assembly (tests/infra/probe_stack.py)."""
    return assemblies["probe"]


@pytest.fixture(scope="session")
def template(synth: Path) -> dict[str, Any]:
    return load_template(synth)


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return template["Resources"]
