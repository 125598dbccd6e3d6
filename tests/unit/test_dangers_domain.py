"""Hidden-danger rules without AWS: 121号 grading, registration and 治理方案 checks, the state machine, four
eyes, overdue, 督办 escalation and the regulator record of the dual-prevention interface."""

from __future__ import annotations

import pytest

from chalicelib.core import errors
from chalicelib.dangers import domain
from chalicelib.dangers.criteria_data import CRITERIA


def test_the_twenty_situations_of_121_make_a_danger_major():
    assert sorted(CRITERIA) == list(range(1, 21))
    assert domain.grade("general", []) == (domain.Level.GENERAL, [])
    assert domain.grade("major", [])[0] is domain.Level.MAJOR
    level, reasons = domain.grade("general", [18, 2, 18])
    assert level is domain.Level.MAJOR and [r.split("：")[0] for r in reasons] == ["121号第2项", "121号第18项"]


def test_registration_rules():
    fields = lambda problems: [p["field"] for p in problems]  # noqa: E731
    assert fields(domain.check_registration(domain.Level.MAJOR, "immediate", None, 0)) == ["handling"]
    assert fields(domain.check_registration(domain.Level.GENERAL, "deadline", None, 0)) == ["deadline"]
    assert fields(domain.check_registration(domain.Level.GENERAL, "deadline", 100, 100)) == ["deadline"]
    assert domain.check_registration(domain.Level.GENERAL, "deadline", 101, 100) == []
    assert domain.check_registration(domain.Level.GENERAL, "immediate", None, 100) == []


def test_a_major_plan_needs_every_part_of_order_16():
    plan = {"deadline_ms": 200, "measures": "m", "responsible": "r"}
    assert domain.check_plan("general", plan, 100) == []
    assert [p["field"] for p in domain.check_plan("major", {**plan, "goal": "g", "cost": 0}, 100)] == [
        "funds",
        "organisation",
        "safety_measures",
    ]
    assert [p["field"] for p in domain.check_plan("general", plan, 200)] == ["deadline"]


@pytest.mark.parametrize(
    ("state", "step", "handling", "expected"),
    [
        ("registered", "plan", "deadline", "rectifying"),
        ("rectifying", "plan", "deadline", "rectifying"),
        ("rectifying", "submit", "deadline", "awaiting_acceptance"),
        ("registered", "submit", "immediate", "awaiting_acceptance"),
        ("awaiting_acceptance", "accept", "deadline", "accepted"),
        ("awaiting_acceptance", "reject", "deadline", "rectifying"),
    ],
)
def test_allowed_steps(state, step, handling, expected):
    assert domain.after(state, step, handling) == expected


@pytest.mark.parametrize(
    ("state", "step", "handling"),
    [
        ("registered", "submit", "deadline"),
        ("registered", "accept", "deadline"),
        ("rectifying", "accept", "deadline"),
        ("awaiting_acceptance", "plan", "deadline"),
        ("accepted", "reject", "deadline"),
        ("accepted", "plan", "immediate"),
    ],
)
def test_refused_steps(state, step, handling):
    with pytest.raises(errors.AppError) as caught:
        domain.after(state, step, handling)
    assert caught.value.code == "DANGER_WRONG_STATE" and caught.value.details["state"] == state


def test_four_eyes_and_overdue():
    domain.check_acceptor("c", "a", "b")
    domain.check_acceptor("c", None, None)
    for acceptor in ("a", "b"):
        with pytest.raises(errors.AppError) as caught:
            domain.check_acceptor(acceptor, "a", "b")
        assert caught.value.code == "DANGER_FOUR_EYES"
    assert domain.is_overdue("rectifying", 100, 100) and not domain.is_overdue("accepted", 100, 200)
    assert not domain.is_overdue("registered", None, 200)
    assert domain.needs_escalation("open", False, 100, 100)
    assert not domain.needs_escalation("responded", False, 100, 200) and not domain.needs_escalation("open", True, 1, 2)


def test_the_regulator_record_uses_the_interface_codes_and_park_local_time():
    danger = {
        "id": "hd_1",
        "enterprise_id": "ent_1",
        "title": "静电接地断开",
        "level": "major",
        "created_ms": 1_893_456_000_000,  # 2030-01-01T00:00:00Z
        "registrant": "insp-1",
        "source": "measure_failure",
        "handling": "deadline",
        "category": "other",
        "description": "d",
        "liable_person": {"name": "王工", "phone": "13599990001"},
        "deadline_ms": 1_893_456_000_000 + 3600_000,
        "state": "awaiting_acceptance",
        "major_criteria": [12],
    }
    record = domain.regulator_record(danger, 8)
    assert (record["dangerSrc"], record["hazardDangerType"], record["dangerLevel"]) == (9, 8, 1)
    assert (record["registTime"], record["dangerManageDeadline"]) == ("2030-01-01 08:00:00", "2030-01-01 09:00:00")
    assert (record["dangerState"], record["dangerManageType"], record["hazardCode"]) == (1, 1, "")


def test_marking_criteria_later_needs_an_open_unsubmitted_danger_and_a_deadline():
    assert domain.check_marking("registered", 200, None, 100) == []  # its own deadline (even one passed) stands
    assert domain.check_marking("rectifying", 50, None, 100) == []
    assert [p["type"] for p in domain.check_marking("registered", None, None, 100)] == ["missing"]
    assert [p["type"] for p in domain.check_marking("registered", None, 90, 100)] == ["past"]
    for state in ("awaiting_acceptance", "accepted"):
        with pytest.raises(errors.AppError) as caught:
            domain.check_marking(state, 200, None, 100)
        assert caught.value.code == "DANGER_WRONG_STATE"
