"""GB 18218-2018 identification and grading: worked examples of domain.md §1.3, lookup rules and tables."""

from __future__ import annotations

import math

import pytest

from chalicelib.core import errors
from chalicelib.registry import gb18218, gb18218_data
from chalicelib.registry.gb18218 import InventoryLine, assess, lookup


def line(
    chemical: str | None, quantity: float, hazard_class: str | None = None, cas: str | None = None
) -> InventoryLine:
    return InventoryLine(chemical, cas, quantity, hazard_class)


# --- worked examples (domain.md §1.3) -------------------------------------------------------------------


def test_so2_200t_60_people_is_r30_grade3() -> None:
    result = assess([line("二氧化硫", 200)], exposed_people=60)
    assert result.alpha == 1.5
    assert result.s_value == 10
    assert result.r_value == 30
    assert result.major_hazard is True
    assert result.grade == 3
    assert result.grade_label == "三级"
    (so2,) = result.lines
    assert (so2.q_t, so2.beta, so2.ratio, so2.weighted) == (20, 2, 10, 20)
    assert so2.q_source == "GB 18218-2018 表1 第4行"
    assert so2.beta_source == "GB 18218-2018 表3 二氧化硫"


def test_chlorine_and_ammonia_give_s9_r39() -> None:
    result = assess([line("液氯", 20), line("液氨", 50)], exposed_people=60)
    assert result.s_value == 9
    assert result.r_value == 39
    assert result.grade == 3
    chlorine, ammonia = result.lines
    assert (chlorine.chemical, chlorine.q_t, chlorine.beta) == ("氯", 5, 4)
    assert chlorine.beta_source == "GB 18218-2018 表3 氯"
    assert (ammonia.chemical, ammonia.q_t, ammonia.beta) == ("氨", 10, 2)


def test_lpg_methanol_hydrogen_give_s6_r16_with_stated_betas() -> None:
    lines = [line("液化石油气", 100, "W2"), line("甲醇", 1000, "W5.3"), line("氢", 10, "W2")]
    result = assess(lines, exposed_people=150)
    assert result.alpha == 2.0
    assert result.s_value == 6
    assert result.r_value == 16
    assert result.grade == 3
    assert [ln.beta for ln in result.lines] == [1.5, 1, 1.5]
    assert [ln.beta_source for ln in result.lines] == [
        "GB 18218-2018 表4 W2",
        "GB 18218-2018 表4 W5.3",
        "GB 18218-2018 表4 W2",
    ]
    assert [ln.q_source for ln in result.lines] == [
        "GB 18218-2018 表1 第52行",
        "GB 18218-2018 表1 第65行",
        "GB 18218-2018 表1 第51行",
    ]


def test_example_defaults_match_without_classes_and_methanol_w51_is_a_choice() -> None:
    lines = [line("LPG", 100), line("methanol", 1000), line("氢气", 10)]
    default = assess(lines, exposed_people=150)
    assert default.r_value == 16
    assert default.lines[1].beta_source.endswith("W5.3（默认分类）")
    w51 = assess([line("LPG", 100), line("methanol", 1000, "W5.1"), line("氢气", 10)], exposed_people=150)
    assert w51.lines[1].beta == 1.5
    assert w51.lines[1].q_t == 500  # Table 1 still wins for Q; the class only changes β
    assert w51.r_value == 18


# --- identification and grade bands -------------------------------------------------------------------


def test_below_critical_quantity_is_not_a_major_hazard() -> None:
    result = assess([line("氯", 2), line("氨", 3)], exposed_people=200)
    assert result.s_value == 0.7
    assert result.major_hazard is False
    assert result.grade is None
    assert result.grade_label is None
    assert result.r_value == pytest.approx(2.0 * (4 * 0.4 + 2 * 0.3))


def test_s_exactly_one_is_a_major_hazard_even_for_decimal_q() -> None:
    result = assess([line("光气", 0.3)], exposed_people=0)  # Q = 0.3 t: 0.3/0.3 must be exactly 1
    assert result.s_value == 1
    assert result.major_hazard is True
    assert result.r_value == 10  # 0.5 × 20 × 1
    assert result.grade == 3


def test_decimal_quantities_summing_to_q_are_exactly_s_1() -> None:
    # In binary floats 0.01 + 0.29 < 0.3; read as the decimals typed they are exactly Q.
    result = assess([line("光气", 0.01), line("碳酰氯", 0.29)], exposed_people=0)
    assert result.lines[0].quantity_t == 0.3
    assert result.major_hazard is True
    assert result.s_value == 1


def test_small_r_for_a_major_hazard_is_grade_4() -> None:
    result = assess([line("甲醇", 500)], exposed_people=0)  # S = 1, R = 0.5 × 1 × 1
    assert result.major_hazard is True
    assert result.r_value == 0.5
    assert result.grade == 4
    assert result.grade_label == "四级"


def test_r_at_least_100_is_grade_1() -> None:
    result = assess([line("氯", 125)], exposed_people=100)  # R = 2 × 4 × 25 = 200
    assert result.r_value == 200
    assert result.grade == 1
    assert result.grade_label == "一级"


@pytest.mark.parametrize(
    ("r_value", "grade"),
    [
        (100, 1),
        (99.9999, 2),
        (50, 2),
        (49.9999, 3),
        (10, 3),
        (9.9999, 4),
        (0.01, 4),
    ],
)
def test_grade_band_boundaries(r_value: float, grade: int) -> None:
    assert gb18218.grade_band(r_value).grade == grade


@pytest.mark.parametrize(
    ("chlorine_t", "grade"),
    [
        (125, 1),
        (124.9, 2),
        (62.5, 2),
        (62.4, 3),
        (12.5, 3),
        (12.4, 4),
        (5, 4),
    ],
)
def test_grade_boundaries_through_assess(chlorine_t: float, grade: int) -> None:
    # 氯: β 4, Q 5; 10 people -> α 1.0, so R = 0.8·q exactly at each band edge.
    result = assess([line("氯", chlorine_t)], exposed_people=10)
    assert result.r_value == pytest.approx(0.8 * chlorine_t)
    assert result.grade == grade


@pytest.mark.parametrize(
    ("people", "alpha"),
    [
        (0, 0.5),
        (1, 1.0),
        (29, 1.0),
        (30, 1.2),
        (49, 1.2),
        (50, 1.5),
        (99, 1.5),
        (100, 2.0),
        (100000, 2.0),
    ],
)
def test_alpha_band_boundaries(people: int, alpha: float) -> None:
    assert gb18218.alpha_band(people).alpha == alpha
    assert assess([line("氯", 5)], exposed_people=people).alpha == alpha


def test_alpha_source_names_the_band() -> None:
    assert assess([line("氯", 5)], exposed_people=30).alpha_source == "GB 18218-2018 表5 30~49人"


# --- lookup -------------------------------------------------------------------------------------------


def test_lookup_by_cas_wins_over_name() -> None:
    rule = lookup("氯", "7664-41-7", None)  # the CAS is ammonia's
    assert (rule.row, rule.name, rule.q_t) == (1, "氨", 10)


def test_lookup_by_name_alias_and_common_forms() -> None:
    for name in ("氯", "氯气", "液氯", " 液 氯 ", "Chlorine", "Cl2", "CL₂"):
        assert lookup(name, None, None).row == 12, name
    for name in ("氨", "液氨", "氨气", "ammonia", "ＮＨ３"):
        assert lookup(name, None, None).row == 1, name
    assert lookup("光气", None, None).row == 6
    assert lookup("环氧氯丙烷", None, None).row == 21
    assert lookup("液化天然气", None, None).row == 49
    assert lookup("液化气", None, None).row == 52
    assert lookup("丙烷", None, None).row == 52
    assert lookup("硫化氢气体", None, None).row == 10
    assert lookup("甲醛（含量＞90%）", None, None).row == 8
    assert lookup("甲醛", None, None).row == 8


def test_lookup_carbon_monoxide_is_row_13_with_table3_beta() -> None:
    for name, cas in (("一氧化碳", None), ("CO", None), (None, "630-08-0")):
        rule = lookup(name, cas, None)
        assert (rule.row, rule.q_t, rule.beta) == (13, 20, 2)
        assert rule.beta_source == "GB 18218-2018 表3 一氧化碳"


def test_shared_cas_takes_lowest_q_unless_the_name_narrows_it() -> None:
    bare = lookup(None, "9004-70-0", None)
    assert (bare.row, bare.q_t) == (37, 1)
    assert "取最小临界量" in bare.q_source
    wet = lookup("硝化纤维素(含水≥25%)", "9004-70-0", "W1.3")
    assert (wet.row, wet.q_t) == (41, 50)
    assert lookup("硝酸铵", None, "W1.1").row == 43


def test_table3_beta_wins_over_a_given_class() -> None:
    rule = lookup("氯", None, "W4,J1")
    assert rule.q_t == 5
    assert rule.beta == 4
    assert rule.beta_source == "GB 18218-2018 表3 氯"


def test_table1_chemical_without_table3_uses_class_for_beta_only() -> None:
    rule = lookup("苯", "71-43-2", "W5.1")
    assert (rule.q_t, rule.q_source) == (50, "GB 18218-2018 表1 第57行")
    assert (rule.beta, rule.beta_source) == (1.5, "GB 18218-2018 表4 W5.1")


def test_table2_fallback_by_hazard_class() -> None:
    rule = lookup("丙烯", "115-07-1", "W2")
    assert rule.row is None
    assert (rule.name, rule.cas, rule.q_t, rule.beta) == ("丙烯", "115-07-1", 10, 1.5)
    assert rule.q_source == "GB 18218-2018 表2 W2"
    assert rule.beta_source == "GB 18218-2018 表4 W2"
    assert lookup(None, None, "w5.4").q_t == 5000


def test_several_classes_take_lowest_q() -> None:
    rule = lookup("某有毒易燃气体", None, "J3, W2")
    assert rule.q_t == 10
    assert rule.q_source == "GB 18218-2018 表2 W2"
    assert rule.beta == 2  # the larger β of the two (J3 2 > W2 1.5)
    assert lookup("X", None, "W5.3、J1").q_t == 5
    assert lookup("X", None, "W9.2;W11").q_t == 200


def test_unknown_chemical_error_names_the_input() -> None:
    with pytest.raises(errors.AppError) as caught:
        lookup("二氧化碳", "124-38-9", None)
    assert caught.value.code == "UNKNOWN_CHEMICAL"
    assert caught.value.status == 422
    assert caught.value.details["chemical"] == "二氧化碳"
    assert caught.value.details["cas"] == "124-38-9"
    with pytest.raises(errors.AppError) as nothing:
        lookup(None, None, None)
    assert nothing.value.code == "UNKNOWN_CHEMICAL"


def test_unknown_hazard_class_and_bad_cas_are_rejected() -> None:
    with pytest.raises(errors.AppError) as bad_class:
        lookup("X", None, "W2,Z9")
    assert bad_class.value.code == "UNKNOWN_HAZARD_CLASS"
    assert bad_class.value.details["unknown"] == ["Z9"]
    with pytest.raises(errors.AppError) as bad_cas:
        lookup("氯", "7782-50-6", None)
    assert bad_cas.value.code == "INVALID_CAS"
    assert bad_cas.value.status == 422


def test_table1_chemical_needing_a_class_for_beta() -> None:
    assert lookup("苯", None, None).beta is None
    with pytest.raises(errors.AppError) as caught:
        assess([line("氯", 1), line("苯", 60)], exposed_people=10)
    assert caught.value.code == "HAZARD_CLASS_REQUIRED"
    assert caught.value.details["field"] == "lines[1].hazard_class"


# --- validation and aggregation ------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, math.inf, math.nan, True])
def test_invalid_quantity_is_a_422_naming_the_line(quantity: float) -> None:
    with pytest.raises(errors.AppError) as caught:
        assess([line("氯", 1), line("氨", quantity)], exposed_people=10)
    assert caught.value.code == "VALIDATION_FAILED"
    assert caught.value.status == 422
    assert caught.value.details["errors"][0]["field"] == "lines[1].quantity_t"


@pytest.mark.parametrize("people", [-1, 1.5, True])
def test_invalid_exposed_people_is_a_422(people: int) -> None:
    with pytest.raises(errors.AppError) as caught:
        assess([line("氯", 1)], exposed_people=people)
    assert caught.value.code == "VALIDATION_FAILED"
    assert caught.value.details["errors"][0]["field"] == "exposed_people"


def test_lookup_errors_in_assess_name_the_line() -> None:
    with pytest.raises(errors.AppError) as caught:
        assess([line("氯", 1), line("未知物", 1)], exposed_people=10)
    assert caught.value.code == "UNKNOWN_CHEMICAL"
    assert caught.value.details["field"] == "lines[1].chemical"


def test_duplicate_lines_of_one_chemical_are_summed() -> None:
    result = assess([line("液氯", 10), line("氯气", 5), line(None, 5, cas="7782-50-5")], exposed_people=60)
    assert len(result.lines) == 1
    assert result.lines[0].quantity_t == 20
    assert result.s_value == 4
    assert result.r_value == 24  # 1.5 × 4 × 4


def test_conflicting_classes_for_one_chemical_are_rejected() -> None:
    with pytest.raises(errors.AppError) as caught:
        assess([line("苯", 10, "W5.1"), line("纯苯", 10, "W5.3")], exposed_people=10)
    assert caught.value.code == "VALIDATION_FAILED"
    assert caught.value.details["errors"][0]["field"] == "lines[1].hazard_class"


def test_output_is_rounded_to_4_decimals() -> None:
    result = assess([line("氯", 1)], exposed_people=10)  # ratio 0.2, weighted 0.8
    third = assess([line("甲醇", 1000 / 3)], exposed_people=10)
    assert result.r_value == 0.8
    assert third.s_value == 0.6667


def test_empty_inventory_is_not_a_major_hazard() -> None:
    result = assess([], exposed_people=0)
    assert (result.s_value, result.r_value, result.major_hazard, result.grade) == (0, 0, False, None)


# --- the tables themselves -----------------------------------------------------------------------------


def test_table1_has_85_rows_numbered_1_to_85() -> None:
    rows = [row.row for row in gb18218_data.TABLE_1]
    assert len(rows) == 85
    assert len(set(rows)) == 85
    assert rows == list(range(1, 86))


def test_every_table1_cas_passes_the_check_digit() -> None:
    assert [row.row for row in gb18218_data.TABLE_1 if not row.cas] == [13, 45, 74]  # none in the standard
    cas_numbers = [cas for row in gb18218_data.TABLE_1 for cas in row.cas]
    assert len(cas_numbers) == 85  # 82 rows with a CAS; row 49 lists two and row 52 three
    assert [c for c in cas_numbers if not gb18218.cas_is_valid(c)] == []
    assert all(gb18218.cas_is_valid(g.cas) for g in gb18218_data.TABLE_3)


def test_cas_check_digit_detects_errors() -> None:
    assert gb18218.cas_is_valid("7732-18-5")  # water
    assert not gb18218.cas_is_valid("7732-18-6")
    assert not gb18218.cas_is_valid("7732185")
    assert not gb18218.cas_is_valid("1-18-5")


def test_key_critical_quantities() -> None:
    q = {row.row: row.q_t for row in gb18218_data.TABLE_1}
    assert (q[1], q[4], q[6], q[10], q[12], q[51], q[52], q[57], q[65], q[66]) == (
        10,
        20,
        0.3,
        5,
        5,
        5,
        50,
        50,
        500,
        200,
    )


def test_table3_links_to_table1_rows_with_matching_cas() -> None:
    assert len(gb18218_data.TABLE_3) == 14
    rows = {row.row: row for row in gb18218_data.TABLE_1}
    for gas in gb18218_data.TABLE_3:
        row = rows[gas.row]
        assert gas.cas in row.cas or row.row == 13, gas.name
    betas = {g.name: g.beta for g in gb18218_data.TABLE_3}
    assert betas == {
        "一氧化碳": 2,
        "二氧化硫": 2,
        "氨": 2,
        "环氧乙烷": 2,
        "氯化氢": 3,
        "溴甲烷": 3,
        "氯": 4,
        "硫化氢": 5,
        "氟化氢": 5,
        "二氧化氮": 10,
        "氰化氢": 10,
        "碳酰氯": 20,
        "磷化氢": 20,
        "异氰酸甲酯": 20,
    }


def test_tables_2_and_4_share_24_symbols() -> None:
    cats = gb18218_data.CATEGORIES
    assert len(cats) == 24
    assert (cats["J1"].q_t, cats["J1"].beta) == (5, 4)
    assert (cats["W2"].q_t, cats["W2"].beta) == (10, 1.5)
    assert (cats["W5.1"].q_t, cats["W5.1"].beta) == (10, 1.5)
    assert (cats["W5.4"].q_t, cats["W5.4"].beta) == (5000, 1)
    assert all(row.default_class in cats for row in gb18218_data.TABLE_1 if row.default_class)


def test_module_is_pure() -> None:
    import ast
    from pathlib import Path

    banned = {"boto3", "botocore", "pynamodb", "chalice", "pydantic", "moto"}
    files = [*Path(gb18218.__file__ or "").parent.glob("*.py"), Path(gb18218_data.__file__ or "")]
    assert len(files) >= 4  # the package's modules and the data table
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not imported & banned, path.name
