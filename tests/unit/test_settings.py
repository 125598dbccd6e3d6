"""Settings: the one reader of the environment. Defaults, overrides, validation naming the variable, round trip."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core import catalog, errors, settings
from chalicelib.core.settings import CHANGE_LIMITS, Settings, env_names, get_settings
from tests.settings_env import setenv_fixture  # noqa: F401 (the `setenv` fixture)

ROOT = Path(__file__).resolve().parents[2]


def test_change_limits_come_from_defaults_overridden_by_env(setenv: Any) -> None:
    defaults = Settings()
    assert (defaults.change_approval_s, defaults.change_test_s, defaults.change_implementation_s) == (
        3 * 86400,
        7 * 86400,
        7 * 86400,
    )
    assert (defaults.change_review_s, defaults.change_rollback_s) == (86400, 4 * 3600)
    setenv("CHEMPARK_CHANGE_APPROVAL_S", "2")
    setenv("CHEMPARK_CHANGE_REVIEW_S", " ")  # left empty by an operator: the default
    got = get_settings()
    assert got.change_approval_s == 2 and got.change_review_s == defaults.change_review_s
    from chalicelib.changes.service import workflow_limits

    assert workflow_limits() == {
        "approval_s": 2,
        "test_s": defaults.change_test_s,
        "implementation_s": defaults.change_implementation_s,
        "review_s": defaults.change_review_s,
        "rollback_s": defaults.change_rollback_s,
    }


@pytest.mark.parametrize(
    ("var", "bad"),
    [
        ("CHEMPARK_CHANGE_TEST_S", "0"),
        ("CHEMPARK_CHANGE_TEST_S", "-5"),
        ("CHEMPARK_CHANGE_TEST_S", "soon"),
        ("CHEMPARK_COMMAND_TIMEOUT_S", "0"),
        ("CHEMPARK_UNIT_ACK_S", "5 min"),
        ("CHEMPARK_SUPPLY_EXPIRY_WARN_DAYS", "-1"),
        ("CHEMPARK_AUTH_MODE", "none"),
    ],
)
def test_a_bad_value_is_misconfigured_naming_the_variable(setenv: Any, var: str, bad: str) -> None:
    setenv(var, bad)
    with pytest.raises(errors.AppError) as caught:
        get_settings()
    assert caught.value.code == "MISCONFIGURED" and caught.value.status == 500
    assert caught.value.details["env"] == [var]


def test_every_runtime_setting_is_read_from_the_environment(setenv: Any) -> None:
    setenv("CHEMPARK_COMMAND_TIMEOUT_S", "45")
    setenv("CHEMPARK_UNIT_ACK_S", "31")
    setenv("CHEMPARK_STANDDOWN_REMIND_S", "61")
    setenv("CHEMPARK_SUPPLY_EXPIRY_WARN_DAYS", "5")
    setenv("CHEMPARK_IOT_DATA_ENDPOINT", "https://example-ats.iot.cn-north-1.amazonaws.com.cn")
    setenv("CHEMPARK_COGNITO_USER_POOL_ARN", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/x")
    setenv("POWERTOOLS_TRACE_DISABLED", "true")
    setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    s = get_settings()
    assert (s.command_timeout_s, s.unit_ack_s, s.standdown_remind_s, s.supply_expiry_warn_days) == (45, 31, 61, 5)
    assert s.iot_data_endpoint.startswith("https://example-ats.")
    assert s.cognito_user_pool_arn.endswith("userpool/x")
    assert s.trace_disabled is True and s.lambda_function_name == "fn"


def test_as_env_round_trips_every_deployable_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    custom = Settings(stage="prod", auth_mode="cognito", unit_ack_s=42, trace_disabled=True, change_test_s=9)
    env = custom.as_env()
    kept_out = settings.PACKAGING | settings.SECRETS  # secrets come from Secrets Manager, never from as_env
    assert set(env) == {var for name, var in env_names().items() if name not in kept_out}
    for var in env_names().values():
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    settings.reset()
    try:
        again = get_settings()
    finally:
        settings.reset()
    fields = set(env_names()) - kept_out
    assert again.model_dump(include=fields) == custom.model_dump(include=fields)


def test_catalogue_resources_are_read_through_settings(setenv: Any) -> None:
    queue = catalog.queue("telemetry")
    setenv(queue.env, "http://queue.example/telemetry")
    assert catalog.queue_url("telemetry") == "http://queue.example/telemetry"
    names = [q.env for q in catalog.QUEUES] + [t.env for t in catalog.TOPICS]
    names += [b.env for b in catalog.BUCKETS] + [m.env for m in catalog.STATE_MACHINES]
    for name in names:  # every variable the catalogue names is one Settings collects
        assert name.split("_")[1] in settings.RESOURCE_KINDS, name


def test_a_missing_resource_is_misconfigured(setenv: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(catalog.topic("screen-events").env, raising=False)
    setenv("CHEMPARK_STAGE", "test")
    with pytest.raises(errors.AppError) as caught:
        catalog.topic_arn("screen-events")
    assert caught.value.code == "MISCONFIGURED"


def test_change_limits_are_the_change_settings() -> None:
    assert all(name in Settings.model_fields for name in CHANGE_LIMITS)


def test_only_settings_reads_the_environment() -> None:
    """`os.environ`/`getenv` anywhere in chalicelib but core/settings.py is a second, unvalidated reader."""
    pattern = re.compile(r"\bos\.environ\b|\bgetenv\b|\benviron\[|from os import .*environ")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "chalicelib").rglob("*.py"))
        if path.relative_to(ROOT).as_posix() != "chalicelib/core/settings.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not offenders, f"read the environment through core.settings.Settings: {offenders}"
    assert pattern.search("x = os.environ.get('A')") and pattern.search("os.getenv('A')")  # not vacuous
