"""The enterprise risk profile's inputs, gathered from the contexts that hold them, and its score
(`domain.profile`): installations and grades (registry), open alarms (alarms), hidden dangers and 督办
(dangers), missed checks (prevention), special work under way and vacant key posts (through `risk.ports`)."""

from __future__ import annotations

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.core.identity import Identity, Role
from chalicelib.core.settings import get_settings
from chalicelib.dangers import service as dangers
from chalicelib.prevention import service as prevention
from chalicelib.registry import service as registry
from chalicelib.risk import ports
from chalicelib.risk.domain import ActiveCondition
from chalicelib.risk.domain import profile as scoring

DAY_MS = 86_400_000
# The event alarms the on-duty context raises for a vacant key post (CONTRACTS.md, source "onduty"): the same
# fact as a vacancy the port reports, so while that port is connected they are not counted again as alarms.
ONDUTY = "onduty"


def as_system(enterprise_id: str) -> Identity:
    """The system reading one enterprise's records (the registry scopes its lists by the identity)."""
    return Identity(subject="system", roles=frozenset({Role.PARK_ADMIN}), enterprise_id=enterprise_id, name="系统")


def inputs(enterprise_id: str) -> scoring.Inputs:
    settings, now = get_settings(), clock.now_ms()
    vacant = ports.PORTS.vacancies(enterprise_id) if ports.PORTS.vacancies is not None else None
    present = [  # as the installation colours count them: the condition is present and the sensor in service
        a
        for a in alarms.open_alarms(enterprise_id=enterprise_id)
        if a.active
        and not a.out_of_service
        and not (vacant is not None and a.source == ONDUTY)  # a vacant post counts once, under key_posts
    ]
    conditions: dict[str, list[ActiveCondition]] = {}
    for a in present:
        if a.installation_id:
            conditions.setdefault(a.installation_id, []).append(ActiveCondition(a.tag_id, a.condition))
    installations = tuple(
        scoring.Installation(i.id, i.name, i.grade, tuple(conditions.get(i.id, ())))
        for i in registry.installations(as_system(enterprise_id))
    )
    found = dangers.enterprise_summary(enterprise_id)
    window = settings.risk_missed_check_days
    checks = prevention.check_summary(enterprise_id, now - window * DAY_MS)
    work = ports.active_work()(enterprise_id)
    return scoring.Inputs(
        installations=installations,
        alarms=tuple(scoring.OpenAlarm(a.id, a.priority.value) for a in present),
        dangers=scoring.Dangers(found.open, found.overdue, found.major_open, found.orders_open, found.orders_escalated),
        missed_checks=checks.missed,
        missed_window_days=window,
        permits=tuple(scoring.Permit(p.id, p.type, p.level) for p in work.permits),
        vacancies=None
        if vacant is None
        else tuple(scoring.Vacancy(v.post_id, v.post_name, int(v.since_ms)) for v in vacant),
    )


def compute(enterprise_id: str) -> scoring.Profile:
    return scoring.score(inputs(enterprise_id))
