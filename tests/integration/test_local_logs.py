"""`make run` writes the Lambdas' JSON logs to a file: importing the app must not silence them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from local import env
env.configure(stage="local")
env.log_to_file(sys.argv[1])
import app  # noqa: F401  (chalice names its logger after the app: the same logger as Powertools')
from chalicelib.core.observability import logger
logger.info("telemetry batch", extra={"messages": 3})
"""


def test_info_logs_reach_the_log_file_after_the_app_is_imported(tmp_path: Path) -> None:
    log = tmp_path / "lambda.log"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(log)], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(r["level"], r["message"], r["messages"]) for r in lines] == [("INFO", "telemetry batch", 3)]
    assert "telemetry batch" not in done.stdout  # the file only, not a second copy on the console
