"""Change management rules (6.2.4): request checks, declared vs observed, quarters, duties (limits: test_settings)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.changes import domain
from chalicelib.core import errors

NOW = 1_800_000_000_000  # 2027-01-15T08:00:00Z


def request(**overrides):
    base = {
        "rollback_plan": "重新部署 1.4.2",
        "test_plan": "预发布回放",
        "risk": {"level": "medium", "impact": "推送延迟", "likelihood": "low", "mitigation": ""},
        "items": [{"ci_id": "ci_A", "attributes": {"version": "1.5.0"}}],
        "planned_window": {"start_ms": NOW + 3_600_000, "end_ms": NOW + 7_200_000},
    }
    return {**base, **overrides}


def fields(problems):
    return [p["field"] for p in problems]


def test_a_complete_request_has_no_problem():
    assert domain.check_request(request(), NOW) == []


@pytest.mark.parametrize("plan", ["", "   ", None])
def test_a_rollback_plan_is_required(plan):
    assert fields(domain.check_request(request(rollback_plan=plan), NOW)) == ["rollback_plan"]


def test_high_risk_needs_mitigation_but_low_risk_does_not():
    high = request(risk={"level": "high", "impact": "停机", "likelihood": "medium", "mitigation": " "})
    assert fields(domain.check_request(high, NOW)) == ["risk.mitigation"]
    mitigated = request(risk={"level": "high", "impact": "停机", "likelihood": "medium", "mitigation": "双机切换"})
    assert domain.check_request(mitigated, NOW) == []


def test_items_must_be_distinct_named_and_not_too_many():
    twice = request(items=[{"ci_id": "ci_A", "attributes": {"a": 1}}, {"ci_id": "ci_A", "attributes": {"b": 2}}])
    assert fields(domain.check_request(twice, NOW)) == ["items.1.ci_id"]
    empty = request(items=[{"ci_id": "ci_A", "attributes": {}}])
    assert fields(domain.check_request(empty, NOW)) == ["items.0.attributes"]
    bad_key = request(items=[{"ci_id": "ci_A", "attributes": {"bad key!": 1}}])
    assert fields(domain.check_request(bad_key, NOW)) == ["items.0.attributes.bad key!"]
    many = request(items=[{"ci_id": f"ci_{n}", "attributes": {"a": n}} for n in range(domain.MAX_ITEMS + 1)])
    assert fields(domain.check_request(many, NOW)) == ["items"]


def test_the_planned_window_must_end_after_it_starts_and_in_the_future():
    backwards = request(planned_window={"start_ms": NOW + 2000, "end_ms": NOW + 1000})
    assert fields(domain.check_request(backwards, NOW)) == ["planned_window.end"]
    over = request(planned_window={"start_ms": NOW - 7_200_000, "end_ms": NOW - 3_600_000})
    assert fields(domain.check_request(over, NOW)) == ["planned_window.end"]


def test_planned_keeps_only_real_changes_and_null_removes():
    declared = {"version": "1.4.2", "port": 8080, "debug": False}
    before, after = domain.planned(declared, {"version": "1.5.0", "port": "8080", "debug": None, "ghost": None})
    assert before == {"version": "1.4.2", "debug": False}
    assert after == {"version": "1.5.0", "debug": None}
    assert domain.apply(declared, after) == {"version": "1.5.0", "port": 8080}


def test_diff_reports_mismatch_unobserved_and_undeclared():
    declared = {"version": "1.4.2", "port": 8080, "tls": True, "replicas": 2}
    observed = {"version": "1.4.3", "port": "8080", "tls": "true", "extra": "x"}
    got = {(d.attribute, d.kind) for d in domain.diff(declared, observed)}
    assert got == {("version", "mismatch"), ("replicas", "unobserved"), ("extra", "undeclared")}
    assert domain.diff({"a": 1.0, "b": " x "}, {"a": 1, "b": "x"}) == []


def test_values_are_compared_as_discovery_reports_them():
    assert domain.same(8080, "8080") and domain.same(1, 1.0) and domain.same(True, "true")
    assert not domain.same(1.5, "1.50001") and not domain.same("A", "a") and not domain.same(0, False)


def test_quarters_are_calendar_quarters_in_park_local_time():
    q = domain.parse_quarter("2026Q4", 8)
    assert q.label == "2026Q4"
    assert datetime.fromtimestamp(q.start_ms / 1000, UTC) == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert datetime.fromtimestamp(q.end_ms / 1000, UTC) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    q1 = domain.parse_quarter("2027q1", 0)
    assert (q1.start_ms, q1.end_ms) == (
        round(datetime(2027, 1, 1, tzinfo=UTC).timestamp() * 1000),
        round(datetime(2027, 4, 1, tzinfo=UTC).timestamp() * 1000),
    )
    # New Year's Eve 20:00 UTC is already 2027 in the park.
    assert domain.quarter_of(round(datetime(2026, 12, 31, 20, tzinfo=UTC).timestamp() * 1000), 8) == "2027Q1"
    assert domain.quarter_of(q.start_ms, 8) == "2026Q4" and domain.quarter_of(q.start_ms - 1, 8) == "2026Q3"


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q1", "2026-Q4", "Q4 2026", ""])
def test_a_malformed_quarter_is_a_validation_error_naming_the_field(text):
    with pytest.raises(errors.AppError) as caught:
        domain.parse_quarter(text, 8)
    assert caught.value.code == "VALIDATION_FAILED"
    assert caught.value.details["errors"][0]["field"] == "quarter"


def test_separation_of_duties():
    domain.check_actor("approval", "admin", "engineer", None)
    domain.check_actor("review", "admin", "engineer", "engineer-2")
    domain.check_actor("test", "engineer", "engineer", None)  # the requester may test
    with pytest.raises(errors.AppError) as approve_own:
        domain.check_actor("approval", "admin", "admin", None)
    with pytest.raises(errors.AppError) as review_own:
        domain.check_actor("review", "engineer-2", "engineer", "engineer-2")
    assert approve_own.value.code == review_own.value.code == "CHANGE_SEPARATION_OF_DUTIES"
    assert approve_own.value.status == 403
    assert (approve_own.value.details["rule"], review_own.value.details["rule"]) == (
        "requester_cannot_approve",
        "implementer_cannot_review",
    )


def test_a_negative_answer_must_say_why():
    domain.check_notes("approval", "approve", "")
    domain.check_notes("test", "pass", "")
    for step, answer in (("approval", "reject"), ("test", "fail"), ("implementation", "failed"), ("review", "not_ok")):
        with pytest.raises(errors.AppError) as caught:
            domain.check_notes(step, answer, "  ")
        assert caught.value.code == "VALIDATION_FAILED"
    domain.check_notes("review", "not_ok", "推送延迟升高")


def test_archive_key_is_filed_by_submission_year_in_park_time():
    new_year = round(datetime(2026, 12, 31, 17, tzinfo=UTC).timestamp() * 1000)  # 2027-01-01 01:00 in the park
    assert domain.archive_key("chg_X", new_year, 8) == "changes/2027/chg_X.json"
    assert domain.archive_key("chg_X", new_year, 0) == "changes/2026/chg_X.json"
