"""Every stepfunctions/*.asl.json passes statelint (graph) and moto's ASL parser (grammar); no file is orphaned.

Runs (and asserts) even while the directory holds no ASL file: the validators are proven to reject a broken
definition, and the catalogue and the directory must agree on which workflows exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.core import catalog
from chalicelib.core.catalog import PLACEHOLDER
from local import moto_patches

ASL_DIR = Path(__file__).resolve().parents[2] / "stepfunctions"
ASL_FILES = sorted(ASL_DIR.glob("*.asl.json"))


def _dummy(match: re.Match[str]) -> str:
    """Placeholders as well-formed values, so the grammar checks see what moto and AWS would get."""
    kind, logical = match.group(1), match.group(2)
    if kind == "function":
        return f"arn:aws:lambda:us-east-1:123456789012:function:chempark-test-{logical}"
    if kind == "queue" and match.group(3) in (None, "url"):
        return f"https://sqs.us-east-1.amazonaws.com/123456789012/chempark-test-{logical}"
    return f"arn:aws:{kind}:us-east-1:123456789012:{kind}:chempark-test-{logical}"


def problems(text: str) -> list[str]:
    """statelint's problems plus moto's parser error, for one ASL text with placeholders."""
    from statelint.config import Config
    from statelint.linter import Linter

    found = [str(p) for p in Linter.validate(text, Config(None, False, False))]
    try:
        moto_patches.parse_asl(PLACEHOLDER.sub(_dummy, text))
    except Exception as exc:  # the parser raises its own error types for grammar violations
        found.append(f"moto parser: {exc}")
    return found


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.name) for p in ASL_FILES] or [pytest.param(None, id="no-asl-files-yet")]
)
def test_asl_file_is_valid(path: Path | None) -> None:
    if path is None:
        # Nothing to lint is only right when no workflow is declared either (not a silent skip).
        assert not list(ASL_DIR.glob("*.asl.json")) and not catalog.STATE_MACHINES
        return
    assert problems(path.read_text(encoding="utf-8")) == []


def test_catalogue_and_directory_agree() -> None:
    declared = {m.asl for m in catalog.STATE_MACHINES}
    on_disk = {p.name for p in ASL_FILES}
    assert declared == on_disk, f"missing files: {declared - on_disk}; orphaned files: {on_disk - declared}"
    assert len({m.name for m in catalog.STATE_MACHINES}) == len(catalog.STATE_MACHINES)


GOOD = {
    "StartAt": "Verify",
    "States": {
        "Verify": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${function.verify}", "Payload.$": "$"},
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
    },
}


def test_validators_accept_a_good_definition_with_placeholders() -> None:
    assert problems(json.dumps(GOOD)) == []


@pytest.mark.parametrize("breakage", ["type", "dangling", "choice"])
def test_validators_reject_broken_definitions(breakage: str) -> None:
    bad = json.loads(json.dumps(GOOD))
    if breakage == "type":
        bad["States"]["Verify"]["Type"] = "Taskk"  # grammar: both catch it
    elif breakage == "dangling":
        bad["States"]["Verify"]["Next"] = "Nowhere"  # graph: only statelint catches it
    else:
        bad["States"]["Done"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "StringEqualz": "a", "Next": "Verify"}],
        }
    assert problems(json.dumps(bad))
