"""The cached Lambda package: a broken zip is never reused, and two synths never package at once."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from infra.app import drop_broken_packages, packaging_lock


def _package(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", "print('chempark')\n" * 200)
        z.writestr("chalicelib/__init__.py", '"""chempark."""\n')
    return path


def test_only_whole_packages_stay_in_the_cache(tmp_path: Path) -> None:
    good = _package(tmp_path / "aaa-python3.11.zip")
    whole = good.read_bytes()
    truncated = tmp_path / "bbb-python3.11.zip"  # a synth killed while chalice wrote it
    truncated.write_bytes(whole[: len(whole) // 2])
    flipped = tmp_path / "ccc-python3.11.zip"  # intact directory, damaged member data
    data = bytearray(whole)
    data[40] ^= 0xFF
    flipped.write_bytes(bytes(data))
    (tmp_path / "ddd-python3.11.zip").write_text("not a zip")

    dropped = drop_broken_packages(tmp_path)

    assert sorted(p.name for p in dropped) == ["bbb-python3.11.zip", "ccc-python3.11.zip", "ddd-python3.11.zip"]
    assert [p.name for p in tmp_path.glob("*.zip")] == ["aaa-python3.11.zip"]
    assert good.read_bytes() == whole


def test_a_second_synth_waits_for_the_packaging_lock(tmp_path: Path) -> None:
    probe = (
        "import fcntl, sys\n"
        "with open(sys.argv[1], 'w') as f:\n"
        "    try:\n"
        "        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "    except BlockingIOError:\n"
        "        print('busy')\n"
        "    else:\n"
        "        print('free')\n"
    )

    def other_process() -> str:
        run = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path / ".synth.lock")], capture_output=True, check=True
        )
        return run.stdout.decode().strip()

    with packaging_lock(tmp_path):
        assert other_process() == "busy"
    assert other_process() == "free"
