"""The moto harness is guarded: moto's internals are touched in local/moto_patches/ only, and a moto that
renamed or reshaped one of them fails at apply() naming it, before anything is patched."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from local import moto_patches
from local.moto_patches import MotoChanged, Target

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "local" / "moto_patches"
# moto's documented public API: the threaded server and `mock_aws` (local/env.py starts them).
PUBLIC = {"moto", "moto.server"}
SCANNED = [p for d in ("app.py", "chalicelib", "local", "infra", "bench", "tests") for p in sorted(ROOT.glob(d))]


def _python_files() -> list[Path]:
    files: list[Path] = []
    for path in SCANNED:
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def _moto_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.split(".")[0] == "moto"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "moto":
            names.add(node.module or "")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            names |= {a.value for a in node.args if isinstance(a, ast.Constant) and str(a.value).startswith("moto")}
    return names


def test_only_the_harness_imports_moto_internals() -> None:
    files = _python_files()
    assert HARNESS / "targets.py" in files and len(files) > 100
    found = {p.relative_to(ROOT).as_posix(): _moto_imports(p) - PUBLIC for p in files if HARNESS not in p.parents}
    assert {path: names for path, names in found.items() if names} == {}


def test_the_scan_sees_every_form_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import moto.sqs.models\nfrom moto.sns.models import sns_backends\nfrom moto.server import X\n"
        "import importlib\nimportlib.import_module('moto.iotdata.models')\n"
    )
    assert _moto_imports(sample) - PUBLIC == {"moto.sqs.models", "moto.sns.models", "moto.iotdata.models"}


def test_every_target_of_the_pinned_moto_is_where_the_harness_expects_it() -> None:
    moto_patches.check()
    targets = {t.name for t in (*moto_patches.targets.PATCHED, *moto_patches.targets.READ)}
    assert {
        "moto.awslambda.models.LambdaFunction._invoke_lambda",
        "moto.sqs.models.Queue.attributes",
        "moto.dynamodb.models.DynamoDBBackend.transact_write_items",
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function.WaitFunction._wait_interval",
        "moto.sns.models.sns_backends",
    } <= targets


def test_a_renamed_target_fails_naming_it_and_the_pin() -> None:
    gone = Target("moto.awslambda.models", "LambdaFunction._run_in_docker")
    with pytest.raises(MotoChanged) as err:
        gone.resolve()
    assert re.match(
        rf"moto {re.escape(moto_patches.version())} changed moto\.awslambda\.models\.LambdaFunction\._run_in_docker ",
        str(err.value),
    )
    assert str(err.value).endswith("check the moto pin")
    with pytest.raises(MotoChanged, match=r"changed moto\.no_such_module\.X"):
        Target("moto.no_such_module", "X").resolve()


def test_a_target_with_other_parameters_fails() -> None:
    reshaped = Target("moto.awslambda.models", "LambdaFunction._invoke_lambda", ("self", "event", "context"))
    with pytest.raises(MotoChanged, match=r"_invoke_lambda \(parameters \('self', 'event'\), expected"):
        reshaped.resolve()
    prefix = Target("moto.sqs.models", "SQSBackend.send_message", ("self", "queue_url"), exact=False)
    with pytest.raises(MotoChanged, match=r"SQSBackend\.send_message \(parameters"):
        prefix.resolve()


def test_apply_checks_every_target_before_it_patches_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = Target("moto.sqs.models", "SQSBackend.send_messages_in_bulk", ("self",))
    monkeypatch.setattr(moto_patches.targets, "PATCHED", (bogus, *moto_patches.targets.PATCHED))
    monkeypatch.setattr(moto_patches, "_applied", False)
    replaced: list[str] = []
    monkeypatch.setattr(Target, "replace", lambda target, value: replaced.append(target.name))
    with pytest.raises(MotoChanged, match=r"changed moto\.sqs\.models\.SQSBackend\.send_messages_in_bulk .*moto pin"):
        moto_patches.apply()
    assert replaced == []
