"""Bytecode in the deployment package: Lambda's /var/task is read-only, so modules shipped as source
only are compiled again at every cold start (chalice packages sources and unpacks wheels without .pyc)."""

from __future__ import annotations

import compileall
import os
import py_compile
import shutil
import tempfile
import zipfile
from pathlib import Path


def _is_bytecode(name: str) -> bool:
    return name.endswith(".pyc") or "/__pycache__/" in f"/{name}"


def add_bytecode(package: Path) -> int:
    """Replace whatever bytecode the zip holds with `__pycache__/*.pyc` for every module; returns how many.

    Unchecked-hash pycs (PEP 552) are used as they are, whatever the files' times after unzipping; pycs
    chalice picked up from a working tree are timestamp-checked, hence useless in Lambda, and dropped.
    They are compiled by the interpreter running the synth, whose version chalice also picks as the runtime.
    """
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(package) as zin:
            entries = [info for info in zin.infolist() if not _is_bytecode(info.filename)]
            for info in entries:
                zin.extract(info, root)
        compileall.compile_dir(
            root,
            quiet=2,
            force=True,
            workers=os.cpu_count() or 1,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        compiled = sorted(root.rglob("*.pyc"))
        rebuilt = package.with_suffix(".bytecode.zip")
        with zipfile.ZipFile(package) as zin, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in entries:  # unchanged entries keep their modes and times
                zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_DEFLATED)
            for path in compiled:
                zout.write(path, path.relative_to(root).as_posix())
        shutil.move(rebuilt, package)
    return len(compiled)
