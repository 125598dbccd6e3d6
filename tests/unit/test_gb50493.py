"""GB/T 50493-2019 default gas alarm setpoints (domain.md §3.3)."""

from __future__ import annotations

import pytest

from chalicelib.core import errors
from chalicelib.registry import gb50493
from chalicelib.registry.gb50493 import default_setpoints


def test_combustible_is_25_and_50_percent_lel_whatever_the_gas() -> None:
    for gas in ("甲烷", "氢气", None):
        sp = default_setpoints("combustible", gas)
        assert (sp.unit, sp.h, sp.hh, sp.l, sp.ll) == ("%LEL", 25.0, 50.0, None, None)
        assert "25%LEL" in sp.source and "GB/T 50493-2019" in sp.source


def test_open_path_combustible_is_1_and_2_lel_m() -> None:
    sp = default_setpoints("combustible_open_path", "甲烷")
    assert (sp.unit, sp.h, sp.hh) == ("LEL·m", 1.0, 2.0)


def test_oxygen_deficiency_and_enrichment() -> None:
    sp = default_setpoints("oxygen", None, "%")
    assert (sp.l, sp.h, sp.hh, sp.ll) == (19.5, 23.5, None, None)
    assert sp.unit == "%"
    assert default_setpoints("oxygen", None).unit == "%VOL"


# The reference table's alarm columns (L1 / L2, mg/m³) for every gas it lists.
REFERENCE_TABLE = [
    ("硫化氢", 10, 20),
    ("一氧化碳", 20, 40),
    ("二氧化氮", 5, 10),
    ("氯", 1, 2),
    ("氨", 20, 40),
    ("二氧化硫", 5, 10),
    ("苯", 6, 12),
    ("氟化氢", 2, 4),
    ("氰化氢", 1, 2),
    ("氯化氢", 7.5, 15),
    ("光气", 0.5, 1),
    ("甲醇", 25, 50),
    ("甲苯", 50, 100),
]


@pytest.mark.parametrize(("gas", "h", "hh"), REFERENCE_TABLE)
def test_toxic_setpoints_are_100_and_200_percent_oel_in_mg(gas: str, h: float, hh: float) -> None:
    sp = default_setpoints("toxic", gas)
    assert (sp.gas, sp.unit, sp.h, sp.hh) == (gas, "mg/m3", h, hh)
    assert "100%OEL" in sp.source


def test_gas_names_aliases_and_formulas() -> None:
    for name in ("氯", "氯气", "液氯", "Cl2", "chlorine", "ＣＬ₂"):
        assert default_setpoints("toxic", name).gas == "氯", name
    assert default_setpoints("toxic", "H2S").gas == "硫化氢"
    assert default_setpoints("toxic", "碳酰氯").gas == "光气"
    assert default_setpoints("toxic", "NH3", "mg/m³").unit == "mg/m³"


def test_ppm_conversion_floors_to_three_significant_figures() -> None:
    h2s = default_setpoints("toxic", "硫化氢", "ppm")
    assert (h2s.h, h2s.hh) == (7.17, 14.3)  # 10 × 24.45 / 34.08 = 7.174; 20 × … = 14.348
    chlorine = default_setpoints("toxic", "氯", "ppm")
    assert (chlorine.h, chlorine.hh) == (0.344, 0.689)  # 0.3448 and 0.6897: never rounded up
    co = default_setpoints("toxic", "CO", "ppm")
    assert (co.h, co.hh) == (17.4, 34.9)
    assert "ppm" in co.source


def test_ppm_setpoints_never_exceed_the_oel() -> None:
    for gas in gb50493.TOXIC_GASES:
        sp = default_setpoints("toxic", gas.name, "ppm")
        limit = gas.oel_mg * gb50493.MOLAR_VOLUME_L / gas.molar_mass
        assert sp.h is not None and sp.hh is not None
        assert limit * 0.99 <= sp.h <= limit, gas.name
        assert sp.hh <= 2 * limit, gas.name


def test_range_limited_uses_5_and_10_percent_idlh() -> None:
    sp = default_setpoints("toxic", "氯", range_limited=True)
    assert (sp.h, sp.hh) == (4.4, 8.8)  # IDLH 88 mg/m³
    assert "IDLH" in sp.source


@pytest.mark.parametrize(
    ("kind", "gas", "unit", "reason", "field"),
    [
        ("toxic", "二氧化碳", None, "unknown_gas", "gas"),
        ("toxic", None, None, "unknown_gas", "gas"),
        ("smoke", None, None, "unknown_kind", "kind"),
        ("combustible", "甲烷", "ppm", "unit", "unit"),
        ("toxic", "氯", "%LEL", "unit", "unit"),
    ],
)
def test_no_default_is_a_422(kind: str, gas: str | None, unit: str | None, reason: str, field: str) -> None:
    with pytest.raises(errors.AppError) as caught:
        default_setpoints(kind, gas, unit)
    assert caught.value.code == "NO_DEFAULT_SETPOINT"
    assert caught.value.status == 422
    assert caught.value.details["reason"] == reason
    assert caught.value.details["field"] == field
