"""Infra fixtures: one offline CDK synth per session, in a subprocess with its own stage, prefix and jsii: the real
stack (as `python infra/app.py`), the stack in oidc mode, the contexts it must refuse, and the probe stack of
test_generic_paths.py, all in one process (tests/infra/synth.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.infra.cfn import ROOT, WHEELHOUSE, deployed_resources, load_template, run_synth


@pytest.fixture(scope="session")
def assemblies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run tests/infra/synth.py once; the cloud assembly directories (temp dirs, not cdk.out/) by stack."""
    if not (WHEELHOUSE / ".complete").exists():
        pytest.fail("no wheelhouse: run `make wheelhouse` once (the synth packages Lambda deps offline)")
    outdir, oidc, probe = (tmp_path_factory.mktemp(name) for name in ("cdk-out", "cdk-out-oidc", "probe-out"))
    work = tmp_path_factory.mktemp("synth-cwd")  # chalice.out/ lands in the working directory
    # cdk-nag runs inside this one synth (infra/nag.py); tests/infra/test_nag.py reads its report.
    refusals = work / "refusals.json"
    script = [str(ROOT / "tests" / "infra" / "synth.py"), str(oidc), str(refusals), str(probe)]
    done = run_synth(script, outdir, work, context={"nag": "1"})
    assert done.returncode == 0, f"synth failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return {"app": outdir, "oidc": oidc, "probe": probe, "refusals": refusals}


@pytest.fixture(scope="session")
def synth(assemblies: dict[str, Path]) -> Path:
    """The real stack's cloud assembly."""
    return assemblies["app"]


@pytest.fixture(scope="session")
def oidc_synth(assemblies: dict[str, Path]) -> Path:
    """The stack in oidc mode (tests/infra/cfn.py OIDC_CONTEXT)."""
    return assemblies["oidc"]


@pytest.fixture(scope="session")
def refusals(assemblies: dict[str, Path]) -> dict[str, str | None]:
    """What the synth raised for each of tests/infra/cfn.py REFUSED_CONTEXTS (None: it did not refuse)."""
    return json.loads(assemblies["refusals"].read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def probe_dir(assemblies: dict[str, Path]) -> Path:
    """The probe stack's cloud assembly (tests/infra/probe_stack.py)."""
    return assemblies["probe"]


@pytest.fixture(scope="session")
def template(synth: Path) -> dict[str, Any]:
    return load_template(synth)


@pytest.fixture(scope="session")
def resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return deployed_resources(template)
