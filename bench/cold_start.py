"""Cold start: `import app` vs the floor `import boto3`, each in fresh interpreters, interleaved, median of N."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from bench.common import ROOT, median, write

PROBE = "import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"


def _once(module: str, write_bytecode: bool = False) -> float:
    # The deployed Lambda's environment, as far as imports are concerned (infra/api.py COLD_START_ENV).
    env = {
        **os.environ,
        "CHEMPARK_RESOURCE_PREFIX": "chempark-bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def run(n: int = 9) -> dict[str, Any]:
    # Bytecode exists for both (the first run writes ours), so the figure compares imports, not compiles.
    _once("app", write_bytecode=True)
    _once("boto3", write_bytecode=True)
    app_ms, boto_ms = [], []
    for _ in range(n):  # interleaved so machine noise hits both alike
        app_ms.append(_once("app"))
        boto_ms.append(_once("boto3"))
    figures = {
        "import_app_ms": median(app_ms),
        "import_boto3_ms": median(boto_ms),
        "ratio": round(median(app_ms) / median(boto_ms), 3),
        "target_ratio": 1.5,
        "runs": n,
        "samples": {"app": [round(v, 1) for v in app_ms], "boto3": [round(v, 1) for v in boto_ms]},
    }
    write("cold_start", figures)
    return figures


if __name__ == "__main__":
    print(run())
