"""Risk reads: installation, enterprise and park colours as stored, and the enterprise risk profile (live, with
its trend from the daily snapshots)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from chalicelib.alarms import service as alarms
from chalicelib.core import clock, geojson
from chalicelib.core.identity import Identity
from chalicelib.registry import service as registry
from chalicelib.risk import domain, store
from chalicelib.risk.service import levels, snapshots
from chalicelib.risk.service.levels import stored


def _head(
    scope: str,
    name: str,
    level: str,
    static_level: str | None,
    score: int | None,
    reasons: list[str],
    since: float | None,
    updated: float | None,
) -> dict[str, Any]:
    """The keys every colour view starts with, in order; `updated` None: risk has stored nothing for the scope."""
    if updated is None:
        return {"scope": scope, "level": "blue", "label": domain.LABELS["blue"], "reasons": [], "since": None}
    return {
        "scope": scope,
        "name": name,
        "level": level,
        "label": domain.LABELS[level],
        "static_level": static_level,
        **({"score": score} if score is not None else {}),
        "reasons": reasons,
        "since": since,
        "updated": updated,
    }


def _view(row: store.RiskModel | None, scope: str, fallback: dict[str, Any]) -> dict[str, Any]:
    if row is None:
        return {**_head(scope, "", "blue", None, None, [], None, None), **fallback}
    score = int(row.score) if row.score is not None else None
    reasons = orjson.loads(row.reasons)
    return {
        **_head(scope, row.name, row.level, row.static_level, score, reasons, row.since_ms, row.updated_ms),
        **fallback,
    }


@dataclass(frozen=True)
class InstallationRisk:
    """An installation's colour with the alarms open on it, as `GET /risk/installations/{id}` shows it and the
    live channel pushes it to the consoles (live.ports risk_view). `updated` is None until risk stored a level."""

    installation_id: str
    name: str
    enterprise_id: str
    grade: int | None
    level: str
    static_level: str | None
    score: int | None
    reasons: tuple[str, ...]
    since: int | None
    updated: int | None
    active_alarms: tuple[alarms.AlarmSummary, ...]

    @property
    def scope(self) -> str:
        return f"installation:{self.installation_id}"

    def public(self) -> dict[str, Any]:
        """The JSON document (the same keys, in the same order, as every colour view of this module)."""
        head = _head(
            self.scope,
            self.name,
            self.level,
            self.static_level,
            self.score,
            list(self.reasons),
            self.since,
            self.updated,
        )
        return {
            **head,
            "name": self.name,
            "enterprise_id": self.enterprise_id,
            "grade": self.grade,
            "active_alarms": [a.public() for a in self.active_alarms],
        }


def installation_view(installation_id: str, who: Identity) -> InstallationRisk:
    return _installation_risk(installation_id, who, stored(f"installation:{installation_id}"))


def _installation_risk(installation_id: str, who: Identity, row: store.RiskModel | None) -> InstallationRisk:
    inst = registry.installation(installation_id, who)
    return InstallationRisk(
        installation_id=installation_id,
        name=inst.name,
        enterprise_id=inst.enterprise_id,
        grade=inst.grade,
        level=row.level if row else "blue",
        static_level=row.static_level if row else None,
        score=int(row.score) if row and row.score is not None else None,
        reasons=tuple(orjson.loads(row.reasons)) if row else (),
        since=int(row.since_ms) if row else None,
        updated=int(row.updated_ms) if row else None,
        active_alarms=tuple(alarms.summary(a) for a in alarms.open_alarms(installation_id)),
    )


def changed_installation_view(installation_id: str, who: Identity, since: int) -> InstallationRisk | None:
    """`installation_view` if the installation's colour changed at or after `since` (epoch ms), else None, known
    from its stored row alone (asked after every alarm event, when the colour seldom changes)."""
    row = stored(f"installation:{installation_id}")
    if row is None or int(row.since_ms) < since:
        return None
    return _installation_risk(installation_id, who, row)


def enterprise_view(enterprise_id: str, who: Identity) -> dict[str, Any]:
    enterprise = registry.enterprise(enterprise_id, who)
    parts = [
        _view(r, r.scope, {})
        for r in store.RiskModel.by_enterprise.query(enterprise_id)
        if r.scope.startswith("installation:")
    ]
    return _view(
        stored(f"enterprise:{enterprise_id}"),
        f"enterprise:{enterprise_id}",
        {"name": enterprise.name, "installations": parts},
    )


def park_view(who: Identity) -> dict[str, Any]:
    rows = [
        r for r in store.RiskModel.scan(store.RiskModel.scope.startswith("enterprise:")) if who.can_see(r.enterprise_id)
    ]
    view = _view(stored("park"), "park", {"name": "园区", "enterprises": [_view(r, r.scope, {}) for r in rows]})
    if who.is_enterprise_scoped:  # an enterprise sees the park's colour, not why (other tenants' data)
        view["reasons"] = []
    return view


def profile_view(enterprise_id: str, who: Identity, days: int) -> dict[str, Any]:
    """The profile computed now (and the colour it gives stored, so every view shows the same), with the
    daily snapshots of the last `days` days."""
    enterprise = registry.enterprise(enterprise_id, who)  # NOT_FOUND outside the caller's scope, before any read
    result = levels.refresh_enterprise(enterprise_id)
    return {
        "enterprise_id": enterprise_id,
        "name": enterprise.name,
        **result.as_dict(),
        "computed_ms": clock.now_ms(),
        "trend": snapshots.trend(enterprise_id, days),
    }


def map_features(who: Identity) -> dict[str, Any]:
    """The installations layer of the map (一张图): each installation the caller sees, coloured by its live risk
    (blue until risk has stored a level for it)."""
    installations = registry.installations(who)
    keys = [f"installation:{i.id}" for i in installations]
    levels = {row.scope: row.level for row in store.RiskModel.batch_get(keys)} if keys else {}
    features = []
    for inst in installations:
        level = levels.get(f"installation:{inst.id}", "blue")
        features.append(
            geojson.feature(
                inst.id,
                geojson.point(inst.location.lat, inst.location.lon),
                "installation",
                inst.name,
                installation_id=inst.id,
                enterprise_id=inst.enterprise_id,
                risk_colour=level,
                risk_label=domain.LABELS[level],
                grade=inst.grade,
                major_hazard=inst.major_hazard,
            )
        )
    return geojson.collection(sorted(features, key=lambda f: f["id"]))
