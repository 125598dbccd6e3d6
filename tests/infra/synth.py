"""Subprocess of the infra tests' session synth: `python infra/app.py` exactly as the CLI runs it, then the probe
stack (probe_stack.py) in the same process, so a test run starts jsii and loads the CDK once.

Environment as tests/infra/cfn.py's synth_env (CDK_OUTDIR: the real stack's assembly); argv[1]: the probe's.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    probe_out = Path(sys.argv[1])
    # What `python infra/app.py` sees: the script's directory first on sys.path (infra/app.py fixes it itself).
    sys.path[0] = str(ROOT / "infra")
    sys.argv = [str(ROOT / "infra" / "app.py")]
    runpy.run_path(str(ROOT / "infra" / "app.py"), run_name="__main__")
    from tests.infra.probe_stack import synth_probe

    synth_probe(probe_out)


if __name__ == "__main__":
    main()
