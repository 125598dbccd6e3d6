"""Schema-driven fuzzing of the embedded API (issue 10, build item 12): schemathesis runs its examples,
coverage and fuzzing phases over every operation of `GET /openapi.json`, as a park admin, against the Chalice
local server of this test process (moto behind it, 127.0.0.1 only). No answer may be a 5xx, and every 4xx
is in the project's error shape (tests/fuzz/checks.py). Bounded: a few examples per operation and a time
budget for the whole run (60 s; CHEMPARK_FUZZ_SECONDS raises it).

The server answers about 120 cases a second (TCP_NODELAY on the local server, moto in process); it answered 34
when each keep-alive request waited out Nagle's delayed ACK: on its own, 60 s now try 7,600 cases where 120 s
tried 4,000.
A run without the budget (about 15 minutes) found the bugs tests/integration name "found by the fuzzer"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fuzz")]

MAX_EXAMPLES = int(os.environ.get("CHEMPARK_FUZZ_EXAMPLES", "8"))  # per operation, fuzzing phase
MAX_TIME_S = int(os.environ.get("CHEMPARK_FUZZ_SECONDS", "60"))  # the whole run
SEED = os.environ.get("CHEMPARK_FUZZ_SEED", "20261202")  # reproducible in CI; vary it by hand to explore


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """tests/fuzz/serve.py: the embedded API over a moto of its own, so what fuzzing writes stays there. Its log
    (`log`: the unhandled errors behind a 5xx, with their tracebacks) goes to a file."""
    log = tmp_path_factory.mktemp("fuzz") / "server.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("serve.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
            cwd=ROOT,
        )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line, f"fuzz server did not start (exit {proc.poll()})"
        yield {**json.loads(line), "log": str(log)}
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_no_documented_operation_answers_5xx_or_an_error_outside_the_shape(
    fuzz_api: dict[str, str], tmp_path: Path
) -> None:
    live_api, token = fuzz_api["url"], fuzz_api["token"]
    report = tmp_path / "report.json"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        f"{live_api}/openapi.json",
        "--url",
        live_api,
        "--phases",
        "examples,coverage,fuzzing",
        "--checks",
        "not_a_server_error,error_shape",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_TIME_S),
        "--seed",
        SEED,
        "--workers",
        "2",
        "--request-timeout",
        "30",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.checks", "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    done = subprocess.run(
        command, check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=MAX_TIME_S + 120
    )
    output = done.stdout[-20000:] + done.stderr[-4000:]
    assert done.returncode == 0, output + _unhandled(Path(fuzz_api["log"]))
    summary = json.loads(report.read_text()) if report.exists() else {}
    print(json.dumps(summary.get("statistic", summary), ensure_ascii=False)[:2000])


def _unhandled(log: Path) -> str:
    """The server's "unhandled error" records (route, request id, exception), so a 5xx names its cause."""
    found = []
    for line in log.read_text(errors="replace").splitlines():
        if '"unhandled error"' in line:
            record = json.loads(line)
            found.append(f"{record.get('route')} {record.get('request_id')}\n{record.get('exception', '')}")
    return "\n\nServer tracebacks:\n" + "\n\n".join(found[-10:]) if found else ""
