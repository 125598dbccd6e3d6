"""Subprocess of the infra tests' session synth: `python infra/app.py` exactly as the CLI runs it, then in the same
process the stack in oidc mode (tests/infra/cfn.py OIDC_CONTEXT), the contexts the synth must refuse
(REFUSED_CONTEXTS: what each raised, as JSON) and the probe stack (probe_stack.py), so a test run starts jsii
and imports the CDK once. Before each, the project's modules and environment start afresh, as in a new process:
app.py declares its routes' authorizer, and settings are read, when it is imported for that stack.

Environment as tests/infra/cfn.py's synth_env (CDK_OUTDIR: the real stack's assembly); argv: the oidc stack's
assembly directory, the refusals file, the probe's assembly directory.
"""

from __future__ import annotations

import importlib
import json
import os
import runpy
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("app", "chalicelib", "infra", "tests")


def _afresh(environ: dict[str, str]) -> Any:
    """Forget the project's modules and environment variables; returns infra.app imported anew."""
    for name in [n for n in sys.modules if n.split(".")[0] in PROJECT]:
        del sys.modules[name]
    os.environ.clear()
    os.environ.update(environ)
    return importlib.import_module("infra.app")


def main() -> None:
    oidc_out, refusals, probe_out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    environ = dict(os.environ)
    # What `python infra/app.py` sees: the script's directory first on sys.path (infra/app.py fixes it itself).
    sys.path[0] = str(ROOT / "infra")
    sys.argv = [str(ROOT / "infra" / "app.py")]
    runpy.run_path(str(ROOT / "infra" / "app.py"), run_name="__main__")

    from tests.infra.cfn import OIDC_CONTEXT, REFUSED_CONTEXTS

    _afresh(environ).main(oidc_out, OIDC_CONTEXT)
    refused: dict[str, str | None] = {}
    for name, context in REFUSED_CONTEXTS.items():
        with tempfile.TemporaryDirectory() as out:
            try:
                _afresh(environ).main(Path(out), context)
                refused[name] = None  # synthesized: the test names the context that should have failed
            except Exception as exc:  # what `python infra/app.py -c ...` would die of
                refused[name] = f"{type(exc).__name__}: {exc}"
    refusals.write_text(json.dumps(refused), encoding="utf-8")
    _afresh(environ).prepare_process()
    importlib.import_module("tests.infra.probe_stack").synth_probe(probe_out)


if __name__ == "__main__":
    main()
