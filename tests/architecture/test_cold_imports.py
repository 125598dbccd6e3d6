"""`import app` (every cold start) binds each context's store and service lazily: no PynamoDB model, hence no
botocore client machinery, and no context's use cases are loaded until a request or event first uses them
(chalicelib.core.lazy); the ports bootstrap wires resolve on first call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, re, sys
import app
from chalicelib.core import lazy
from chalicelib.linkage import ports

def loaded():
    mods = sys.modules.items()
    return sorted(m for m, v in mods if v is not None and lazy.LAZY.fullmatch(m) and not lazy.is_pending(v))

bound = sorted(m for m in sys.modules if lazy.LAZY.fullmatch(m))
at_import = loaded()
heavy = sorted(m for m in ('pynamodb.models', 'botocore.client') if m in sys.modules)
# The frozen views a context gives others load with its service, not with the module bootstrap imports.
views = sorted(m for m in sys.modules if re.fullmatch(r"chalicelib\.[a-z_]+\.(views|results)", m))
# A port bootstrap wired with a deferred adapter loads its context on first use, not before.
ports.nearest_resources().__name__  # noqa: B018  (any attribute but a call resolves the adapter)
after_port = 'chalicelib.resources.service' in loaded()
print(json.dumps({"bound": bound, "at_import": at_import, "heavy": heavy, "views": views, "after_port": after_port}))
"""


def _probe() -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_import_app_binds_every_service_and_store_but_runs_none():
    seen = _probe()
    assert {"chalicelib.alarms.service", "chalicelib.audit.store"} <= set(seen["bound"])  # type: ignore[arg-type]
    assert seen["at_import"] == [], seen["at_import"]
    assert seen["heavy"] == []
    assert seen["views"] == [], seen["views"]


def test_a_deferred_port_loads_its_context_on_first_use():
    assert _probe()["after_port"] is True
