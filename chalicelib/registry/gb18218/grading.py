"""GB 18218-2018 identification and grading of one unit: S = Σq/Q, R = α·Σβq/Q, α (表5) and grade (表6)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from chalicelib.core import errors
from chalicelib.registry import gb18218_data as data
from chalicelib.registry.gb18218.chemicals import ChemicalRule, lookup
from chalicelib.registry.gb18218_data import STANDARD

HAZARD_CLASS_REQUIRED = errors.define(
    "HAZARD_CLASS_REQUIRED",
    422,
    "该物质不在表3中，需提供危险性类别（表4符号）以确定校正系数β",
    "A Table 1 chemical without a Table 3 β and without a default class needs hazard_class.",
)


@dataclass(frozen=True)
class InventoryLine:
    """One chemical of a production or storage unit; quantity_t is its design maximum (设计最大量), in t."""

    chemical: str | None
    cas: str | None
    quantity_t: float
    hazard_class: str | None = None


@dataclass(frozen=True)
class LineAssessment:
    """One chemical's share: ratio = q/Q, weighted = β·q/Q (rounded for output), with Q and β sources."""

    chemical: str
    cas: str | None
    hazard_class: str | None
    quantity_t: float
    q_t: float
    q_source: str
    beta: float
    beta_source: str
    ratio: float
    weighted: float


@dataclass(frozen=True)
class Assessment:
    """Identification (S ≥ 1 is a major hazard) and grading (R, 表6); grade 1 = 一级, None if not major."""

    s_value: float
    r_value: float
    alpha: float
    alpha_source: str
    major_hazard: bool
    grade: int | None
    grade_label: str | None
    lines: tuple[LineAssessment, ...]


def _exact(value: float) -> Fraction:
    # Decimal-literal exactness: 0.3 t of phosgene against Q = 0.3 must give S = 1, not 0.999...
    return Fraction(str(value))


def _out(value: Fraction) -> float:
    return round(float(value), 4)


def alpha_band(exposed_people: int) -> data.AlphaBand:
    """表5 band for the people exposed outside the plant within 500 m."""
    if isinstance(exposed_people, bool) or not isinstance(exposed_people, int) or exposed_people < 0:
        raise errors.invalid_field("exposed_people", "厂外暴露人员数量必须为非负整数")
    return next(b for b in data.TABLE_5 if exposed_people >= b.min_people)


def grade_band(r_value: float | Fraction) -> data.GradeBand:
    """表6 band for R (only meaningful for a major hazard)."""
    return next(b for b in data.TABLE_6 if r_value >= b.r_min)


def _merge(lines: list[InventoryLine]) -> dict[str, tuple[ChemicalRule, Fraction]]:
    """Resolve every line and sum the quantities of lines naming one chemical (液氯 and 氯气 are one)."""
    merged: dict[str, tuple[ChemicalRule, Fraction]] = {}
    for i, line in enumerate(lines):
        qty = line.quantity_t
        if isinstance(qty, bool) or not isinstance(qty, int | float) or not math.isfinite(qty) or qty <= 0:
            raise errors.invalid_field(f"lines[{i}].quantity_t", "数量（吨）必须为大于0的有限数")
        try:
            rule = lookup(line.chemical, line.cas, line.hazard_class)
        except errors.AppError as exc:
            exc.details["field"] = f"lines[{i}].{exc.details.get('field', 'chemical')}"
            raise
        if rule.beta is None:
            raise HAZARD_CLASS_REQUIRED(
                details={"field": f"lines[{i}].hazard_class", "chemical": rule.name, "row": rule.row}
            )
        first, total = merged.get(rule.key, (rule, Fraction(0)))
        if (first.q_t, first.beta) != (rule.q_t, rule.beta):
            raise errors.invalid_field(f"lines[{i}].hazard_class", f"同一物质“{rule.name}”的危险性类别前后不一致")
        merged[rule.key] = (first, total + _exact(qty))
    return merged


def assess(lines: list[InventoryLine], exposed_people: int) -> Assessment:
    """S, R, α and grade for one unit; duplicate lines of one chemical are summed so it counts once."""
    band = alpha_band(exposed_people)
    assessed: list[LineAssessment] = []
    s_total = weighted_total = Fraction(0)
    for rule, quantity in _merge(lines).values():
        beta = rule.beta or 0.0  # never None here: _merge rejects such lines
        ratio = quantity / _exact(rule.q_t)
        weighted = _exact(beta) * ratio
        s_total += ratio
        weighted_total += weighted
        assessed.append(
            LineAssessment(
                rule.name,
                rule.cas,
                rule.hazard_class,
                float(quantity),
                rule.q_t,
                rule.q_source,
                beta,
                rule.beta_source or "",
                _out(ratio),
                _out(weighted),
            )
        )
    r_value = _exact(band.alpha) * weighted_total
    major = s_total >= 1
    grade = grade_band(r_value) if major else None
    return Assessment(
        _out(s_total),
        _out(r_value),
        band.alpha,
        f"{STANDARD} 表5 {band.label}",
        major,
        grade.grade if grade else None,
        grade.label if grade else None,
        tuple(assessed),
    )
