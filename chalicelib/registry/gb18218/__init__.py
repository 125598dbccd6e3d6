"""GB 18218-2018 major hazard identification and grading (重大危险源辨识与分级): S = Σq/Q, R = α·Σβq/Q."""

from chalicelib.registry.gb18218.chemicals import (
    INVALID_CAS,
    UNKNOWN_CHEMICAL,
    UNKNOWN_HAZARD_CLASS,
    ChemicalRule,
    cas_is_valid,
    lookup,
    normalise_name,
    parse_classes,
)
from chalicelib.registry.gb18218.grading import (
    HAZARD_CLASS_REQUIRED,
    Assessment,
    InventoryLine,
    LineAssessment,
    alpha_band,
    assess,
    grade_band,
)

__all__ = [
    "HAZARD_CLASS_REQUIRED",
    "INVALID_CAS",
    "UNKNOWN_CHEMICAL",
    "UNKNOWN_HAZARD_CLASS",
    "Assessment",
    "ChemicalRule",
    "InventoryLine",
    "LineAssessment",
    "alpha_band",
    "assess",
    "cas_is_valid",
    "grade_band",
    "lookup",
    "normalise_name",
    "parse_classes",
]
