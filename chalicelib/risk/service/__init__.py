"""Risk use cases, the only module other contexts (and bootstrap) import: colours recomputed on alarm events
and enterprises scored by their risk profile (levels, profile), the views (views), daily snapshots and the
trend (snapshots), monthly reports (reports) and risk notices (notices)."""

from chalicelib.risk.service.levels import (
    on_alarm_events,
    recompute_enterprise,
    recompute_installation,
    refresh_enterprise,
)
from chalicelib.risk.service.notices import acknowledge, close, resend
from chalicelib.risk.service.notices import get as notice
from chalicelib.risk.service.notices import issue as issue_notice
from chalicelib.risk.service.notices import list_page as notices_page
from chalicelib.risk.service.profile import compute as compute_profile
from chalicelib.risk.service.reports import generate as generate_reports
from chalicelib.risk.service.reports import listing as reports
from chalicelib.risk.service.snapshots import take as take_snapshots
from chalicelib.risk.service.views import (
    InstallationRisk,
    changed_installation_view,
    enterprise_view,
    installation_view,
    map_features,
    park_view,
    profile_view,
)

__all__ = [
    "InstallationRisk",
    "acknowledge",
    "changed_installation_view",
    "close",
    "compute_profile",
    "enterprise_view",
    "generate_reports",
    "installation_view",
    "issue_notice",
    "map_features",
    "notice",
    "notices_page",
    "on_alarm_events",
    "park_view",
    "profile_view",
    "recompute_enterprise",
    "recompute_installation",
    "refresh_enterprise",
    "reports",
    "resend",
    "take_snapshots",
]
