"""Risk rules (pure): installation colours and roll-ups (levels), the enterprise risk profile score (profile),
risk notices (notices) and the monthly profile report (report)."""

from chalicelib.risk.domain.levels import (
    BAND_FLOOR,
    LABELS,
    LEVELS,
    ActiveCondition,
    Assessment,
    assess_installation,
    band,
    highest,
)

__all__ = ["BAND_FLOOR", "LABELS", "LEVELS", "ActiveCondition", "Assessment", "assess_installation", "band", "highest"]
