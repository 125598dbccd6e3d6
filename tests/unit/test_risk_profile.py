"""The enterprise risk profile score (docs/risk.md): every contribution's points and cap at its boundary, the
colour bands at theirs, the floors the colour rules impose, and the score adding up."""

from __future__ import annotations

import pytest

from chalicelib.risk.domain import ActiveCondition
from chalicelib.risk.domain import profile as p

KEYS = ["major_hazards", "alarms", "dangers", "supervision", "missed_checks", "special_work", "key_posts"]


def part(result: p.Profile, key: str) -> p.Contribution:
    (found,) = [c for c in result.contributions if c.key == key]
    return found


def items(result: p.Profile, key: str) -> list[tuple[str, int, int]]:
    return [(i.label, i.count, i.points) for i in part(result, key).items]


def alarms(n: int, priority: str = "low") -> tuple[p.OpenAlarm, ...]:
    return tuple(p.OpenAlarm(f"al-{priority}-{i}", priority) for i in range(n))


def permits(n: int, work_type: str = "temporary_power", level: str | None = None) -> tuple[p.Permit, ...]:
    return tuple(p.Permit(f"wp-{work_type}-{level}-{i}", work_type, level) for i in range(n))


def posts(n: int) -> tuple[p.Vacancy, ...]:
    return tuple(p.Vacancy(f"post-{i}", f"岗位{i}", 0) for i in range(n))


def test_nothing_scores_zero_blue_with_every_contribution_named():
    result = p.score(p.Inputs())
    assert (result.score, result.raw_score, result.level, result.label) == (0, 0, "blue", "蓝色（低风险）")
    assert [c.key for c in result.contributions] == KEYS
    assert all(c.points == 0 and c.items == () and c.available for c in result.contributions)
    assert result.reasons() == ["风险画像评分0分"]


@pytest.mark.parametrize(("grade", "points"), [(1, 12), (2, 8), (3, 4), (4, 2), (None, 0)])
def test_each_major_hazard_grade_scores_its_points(grade, points):
    result = p.score(p.Inputs(installations=(p.Installation("ins-1", "液氯储罐区", grade),)))
    assert part(result, "major_hazards").points == points
    if grade:
        label = f"液氯储罐区（{p.GRADE_LABEL[grade]}重大危险源）"
        assert items(result, "major_hazards") == [(label, 1, points)]
        assert part(result, "major_hazards").items[0].refs == ("ins-1",)
    else:  # not a major hazard: no line at all
        assert items(result, "major_hazards") == []


def test_major_hazards_cap_at_20():
    two = (p.Installation("a", "甲", 2), p.Installation("b", "乙", 2), p.Installation("c", "丙", 4))
    assert (part(p.score(p.Inputs(installations=two[:2])), "major_hazards").points) == 16
    capped = part(p.score(p.Inputs(installations=two)), "major_hazards")
    assert (capped.points, capped.uncapped, capped.cap) == (18, 18, 20)
    more = (*two, p.Installation("d", "丁", 3))
    capped = part(p.score(p.Inputs(installations=more)), "major_hazards")
    assert (capped.points, capped.uncapped) == (20, 22)


def test_open_alarms_by_priority_and_their_cap():
    result = p.score(p.Inputs(alarms=alarms(1, "urgent") + alarms(1, "high") + alarms(1, "medium") + alarms(2)))
    assert items(result, "alarms") == [
        ("紧急优先级报警", 1, 8),
        ("高优先级报警", 1, 5),
        ("中优先级报警", 1, 3),
        ("低优先级报警", 2, 2),
    ]
    assert part(result, "alarms").points == 18
    assert part(p.score(p.Inputs(alarms=alarms(20))), "alarms").points == 20  # exactly the cap
    over = part(p.score(p.Inputs(alarms=alarms(3, "urgent"))), "alarms")
    assert (over.points, over.uncapped) == (20, 24)


def test_dangers_and_supervision_orders():
    d = p.Dangers(open=3, overdue=1, major_open=1, orders_open=2, orders_escalated=1)
    result = p.score(p.Inputs(dangers=d))
    assert items(result, "dangers") == [("一般隐患未销号", 2, 4), ("重大隐患未销号", 1, 10), ("隐患逾期未整改", 1, 4)]
    assert items(result, "supervision") == [("督办单未关闭", 2, 4), ("督办单逾期未反馈（已升级园区）", 1, 4)]
    assert (part(result, "dangers").points, part(result, "supervision").points) == (18, 8)
    capped = p.score(p.Inputs(dangers=p.Dangers(open=3, major_open=3, orders_open=5, orders_escalated=2)))
    assert (part(capped, "dangers").points, part(capped, "dangers").uncapped) == (25, 30)
    assert (part(capped, "supervision").points, part(capped, "supervision").uncapped) == (15, 18)


@pytest.mark.parametrize(("missed", "points"), [(0, 0), (1, 3), (5, 15), (6, 15)])
def test_missed_checks_score_3_each_up_to_15(missed, points):
    result = p.score(p.Inputs(missed_checks=missed, missed_window_days=7))
    assert part(result, "missed_checks").points == points
    assert items(result, "missed_checks") == ([("近7天漏检", missed, missed * 3)] if missed else [])


def test_special_work_by_type_with_special_hot_work_apart():
    work = permits(2, "hot_work", "level_2") + permits(1, "hot_work", "special") + permits(1, "confined_space")
    result = p.score(p.Inputs(permits=work + permits(1, "road_closure")))
    assert items(result, "special_work") == [
        ("动火作业", 2, 10),
        ("特级动火作业", 1, 8),
        ("受限空间作业", 1, 5),
        ("断路作业", 1, 1),
    ]
    assert (part(result, "special_work").points, part(result, "special_work").uncapped) == (15, 24)
    every = tuple(p.Permit(t, t) for t in p.WORK_POINTS)
    assert part(p.score(p.Inputs(permits=every)), "special_work").uncapped == sum(p.WORK_POINTS.values())


@pytest.mark.parametrize(("vacant", "points"), [(0, 0), (1, 10), (2, 20), (3, 20)])
def test_vacant_key_posts_score_10_each_up_to_20(vacant, points):
    result = p.score(p.Inputs(vacancies=posts(vacant)))
    assert part(result, "key_posts").points == points and part(result, "key_posts").available


def test_an_unconnected_on_duty_source_is_shown_as_such_not_as_zero_vacancies():
    key_posts = part(p.score(p.Inputs(vacancies=None)), "key_posts")
    assert (key_posts.available, key_posts.points, key_posts.note) == (False, 0, "在岗在位数据未接入，本项未计分")


def worth(points: int) -> p.Inputs:
    """Inputs scoring exactly `points` (0-94) with no floor: low alarms, temporary power, general dangers,
    missed checks and vacant posts, each under its cap."""
    left, vac = points, min(2, points // 10)
    left -= vac * 10
    missed = min(5, left // 3)
    left -= missed * 3
    low = min(20, left)
    left -= low
    power = min(15, left)
    power -= (left - power) % 2  # general dangers score 2 each
    left -= power
    assert left % 2 == 0 and left <= 24, points
    return p.Inputs(
        alarms=alarms(low),
        permits=permits(power),
        dangers=p.Dangers(open=left // 2),
        missed_checks=missed,
        vacancies=posts(vac),
    )


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (0, "blue"),
        (24, "blue"),
        (25, "yellow"),
        (49, "yellow"),
        (50, "orange"),
        (74, "orange"),
        (75, "red"),
        (94, "red"),
    ],
)
def test_colour_bands_at_their_boundaries(points, level):
    result = p.score(worth(points))
    assert (result.score, result.raw_score, result.level, result.floors) == (points, points, level, ())
    assert sum(c.points for c in result.contributions) == points  # every point is named


def test_the_score_is_capped_at_100():
    everything = p.Inputs(
        installations=(p.Installation("a", "甲", 3), p.Installation("b", "乙", 3)) * 3,
        alarms=alarms(20),
        dangers=p.Dangers(open=13),
        missed_checks=5,
        permits=permits(15),
        vacancies=posts(2),
    )
    result = p.score(everything)
    assert sum(c.uncapped for c in result.contributions) > 100
    assert (result.score, result.raw_score, result.level) == (100, 100, "red")


def test_an_open_major_danger_makes_it_at_least_orange_and_says_by_how_much():
    result = p.score(p.Inputs(dangers=p.Dangers(open=1, major_open=1, orders_open=1)))
    assert (result.raw_score, result.score, result.level) == (12, 50, "orange")
    floor = part(result, "floor")
    assert (floor.points, [i.label for i in floor.items]) == (38, ["1项重大隐患未销号"])
    assert sum(c.points for c in result.contributions) == result.score
    assert "1项重大隐患未销号" in result.reasons() and result.reasons()[0] == "风险画像评分50分"


def test_an_overdue_danger_or_an_escalated_order_makes_it_at_least_yellow():
    overdue = p.score(p.Inputs(dangers=p.Dangers(open=1, overdue=1, orders_open=1)))
    assert (overdue.raw_score, overdue.score, overdue.level) == (8, 25, "yellow")
    assert overdue.floors == (("yellow", "1项隐患逾期未整改，0张督办单逾期未反馈"),)
    escalated = p.score(p.Inputs(dangers=p.Dangers(orders_open=1, orders_escalated=1)))
    assert (escalated.score, escalated.level) == (25, "yellow")


def test_the_riskiest_installation_is_a_floor():
    one_hh = p.Installation("a", "液氯储罐区", 3, (ActiveCondition("AT-1", "HH"),))
    result = p.score(p.Inputs(installations=(one_hh,), alarms=alarms(1, "high")))
    assert (result.level, result.score, result.raw_score) == ("orange", 50, 9)
    assert result.floors == (("orange", "最高风险单元：液氯储罐区"),)
    two_hh = p.Installation("a", "液氯储罐区", 3, (ActiveCondition("AT-1", "HH"), ActiveCondition("AT-2", "HH")))
    assert (p.score(p.Inputs(installations=(two_hh,))).level, p.score(p.Inputs(installations=(two_hh,))).score) == (
        "red",
        75,
    )
    first_grade = p.score(p.Inputs(installations=(p.Installation("b", "光气装置", 1),)))  # 一级: static orange
    assert (first_grade.level, first_grade.score) == ("orange", 50)


def test_a_floor_never_lowers_a_higher_score():
    base = worth(80)
    result = p.score(p.Inputs(**{**base.__dict__, "dangers": p.Dangers(open=10, overdue=0, major_open=1)}))
    assert result.level == "red" and result.score == result.raw_score >= 75
    assert all(c.key != "floor" for c in result.contributions)
