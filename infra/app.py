"""CDK entry point: `python infra/app.py` synthesizes the stack offline into cdk.out/ (`-c stage=...`, default prod)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"  # `make wheelhouse`: manylinux wheels of requirements.txt
CDK_HOME = ROOT / ".cache" / "cdk-home"  # gitignored; see prepare_process()
CHALICE_CACHE = ROOT / ".chalice" / "deployments"
DEFAULT_STAGE = "prod"


def prepare_process() -> None:
    """Environment for jsii, chalice and the `pip download` chalice runs; call before importing aws_cdk."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # `chalice package` needs a region; it also decides the service principals' DNS suffix (China regions).
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION", "us-east-1"))
    if (WHEELHOUSE / ".complete").exists():
        # Offline packaging: chalice's `pip download -r requirements.txt` reads only the local wheelhouse.
        os.environ["PIP_NO_INDEX"] = "1"
        os.environ["PIP_FIND_LINKS"] = str(WHEELHOUSE)
    # jsii and CDK write caches under $HOME (~/.cache/aws/jsii, ~/.cdk); keep them in the gitignored
    # .cache/ of the repo instead of the user's home. The jsii cache there also makes later synths faster.
    if os.environ.get("CHEMPARK_CDK_KEEP_HOME") != "1":
        CDK_HOME.mkdir(parents=True, exist_ok=True)
        os.environ["HOME"] = str(CDK_HOME)


def configure_stage(stage: str) -> None:
    """Stage and resource prefix for this process: table names, queue names etc. all derive from them."""
    from chalicelib.core import settings

    os.environ["CHEMPARK_STAGE"] = stage
    os.environ["CHEMPARK_RESOURCE_PREFIX"] = f"chempark-{stage}"
    names = settings.env_names()
    for name in ("auth_mode", "cognito_user_pool_arn", "oidc_authorizer_uri", "oidc_authorizer_ttl_s"):
        os.environ.pop(names[name], None)  # set from the stack's own authorizer (infra/auth.py)
    settings.reset()


def prune_chalice_cache(cache: Path = CHALICE_CACHE, min_age_s: int = 600) -> None:
    """chalice keeps one ~20 MB zip per source hash in .chalice/deployments and never prunes them.

    Keep the newest (the one just packaged); drop older ones unless a concurrent synth may still use them.
    Chalice rebuilds a missing zip, so this only costs a re-package.
    """
    try:
        zips = sorted(((p.stat().st_mtime, p) for p in cache.glob("*.zip")), reverse=True)
    except OSError:
        return
    for mtime, path in zips[1:]:
        if time.time() - mtime > min_age_s:
            path.unlink(missing_ok=True)


def drop_broken_packages(cache: Path = CHALICE_CACHE) -> list[Path]:
    """Delete cached packages that are not whole zips; returns them.

    chalice writes its package straight to the cache path and later reuses any file of that name without
    reading it, so a synth killed while packaging would otherwise ship a truncated zip in every later one.
    """
    broken = []
    for path in cache.glob("*.zip"):
        try:
            with zipfile.ZipFile(path) as package:
                bad = package.testzip()  # reads every member and checks its CRC
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
            bad = path.name
        if bad is not None:
            path.unlink(missing_ok=True)
            broken.append(path)
    return broken


@contextlib.contextmanager
def packaging_lock(cache: Path = CHALICE_CACHE) -> Iterator[None]:
    """One synth at a time per checkout: two would write (or read half-written) the same cached zip."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".synth.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the process dies
        yield


def main() -> Path:
    # Run as a script, infra/ heads sys.path and its app.py would shadow the Chalice app.py of the repo.
    here = Path(__file__).resolve().parent
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != here]
    prepare_process()
    import aws_cdk as cdk

    # CDK_OUTDIR is set by the cdk CLI; without it the assembly goes to <repo>/cdk.out.
    app = cdk.App(outdir=None if os.environ.get("CDK_OUTDIR") else str(ROOT / "cdk.out"))
    stage = app.node.try_get_context("stage") or DEFAULT_STAGE
    configure_stage(stage)
    from infra import nag
    from infra.stack import ChemParkStack

    if nag.enabled(app):
        nag.enable(app)

    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    env = cdk.Environment(account=account, region=region) if account and region else None
    started, cwd = time.perf_counter(), os.getcwd()
    # chalice writes chalice.out/ into the working directory: a temporary one keeps it out of the repo.
    with packaging_lock(), tempfile.TemporaryDirectory(prefix="chempark-synth-") as work:
        for path in drop_broken_packages():
            print(f"dropped a broken cached Lambda package: {path.name}", file=sys.stderr)
        os.chdir(work)
        try:
            ChemParkStack(
                app,
                f"chempark-{stage}",
                env=env,
                stack_name=f"chempark-{stage}",
                description=f"chempark-safety serverless backend ({stage})",
            )
            outdir = synthesize(app)
        finally:
            os.chdir(cwd)
        prune_chalice_cache()
    print(f"synthesized chempark-{stage} into {outdir} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return outdir


def synthesize(app: Any) -> Path:
    """`app.synth()`; with cdk-nag on, an error-level finding still leaves the whole assembly for the tests."""
    from infra import nag

    try:
        return Path(app.synth().directory)
    except RuntimeError as exc:
        # CDK writes every template and the validation report, then raises: the report is the test's to read.
        if not (nag.enabled(app) and "ValidationFailed" in str(exc)):
            raise
        print(f"cdk-nag findings: see {Path(app.outdir) / nag.REPORT}", file=sys.stderr)
        return Path(app.outdir)


if __name__ == "__main__":
    main()
