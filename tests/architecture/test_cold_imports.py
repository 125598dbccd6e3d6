"""`import app` (every cold start) binds each context's store lazily: no PynamoDB model, hence no botocore
client machinery, is loaded until a request or event first uses a table (chalicelib.core.lazy)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_app_loads_no_table_model():
    probe = "import sys, app; print(sorted(m for m in ('pynamodb.models', 'botocore.client') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
