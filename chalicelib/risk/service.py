"""Dynamic risk use cases: recompute on alarm events, roll up to enterprise and park, read views.

The alarm context tells `on_alarm_events` of every dispatched event (an `alarms.ports` subscriber wired by
chalicelib.bootstrap): risk follows the alarms, the alarms never call risk."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import service as alarms
from chalicelib.core import aws, catalog, clock
from chalicelib.core.identity import PARK, SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.dangers import service as dangers
from chalicelib.registry import service as registry
from chalicelib.risk import domain, store


def _row(scope: str) -> store.RiskModel | None:
    try:
        return store.RiskModel.get(scope, consistent_read=True)
    except DoesNotExist:
        return None


def _store(scope: str, enterprise_id: str, name: str, level: str, static: str, reasons: list[str]) -> bool:
    """Write when the level or its reasons changed; publish a risk change when the colour changed."""
    row, now = _row(scope), clock.now_ms()
    encoded = orjson.dumps(reasons).decode()
    if row is not None and row.level == level and row.reasons == encoded:
        return False
    changed = row is None or row.level != level
    store.RiskModel(
        scope,
        enterprise_id=enterprise_id,
        level=level,
        static_level=static,
        reasons=encoded,
        name=name,
        since_ms=now if row is None or changed else row.since_ms,
        updated_ms=now,
    ).save()
    if changed and row is not None:
        aws.client("sns").publish(
            TopicArn=catalog.topic_arn("alarm-events"),
            Message=orjson.dumps(
                {
                    "type": "risk_changed",
                    "scope": scope,
                    "name": name,
                    "from": row.level,
                    "to": level,
                    "label": domain.LABELS[level],
                    "reasons": reasons,
                }
            ).decode(),
            MessageAttributes={
                "event_type": {"DataType": "String", "StringValue": "risk_changed"},
                "enterprise_id": {"DataType": "String", "StringValue": enterprise_id},
                "level": {"DataType": "String", "StringValue": level},
            },
        )
    return changed


def on_alarm_events(events: Sequence[alarms.EventRecord]) -> None:
    """Recompute each installation the events concern, once per batch; one failure does not stop the rest."""
    for installation_id in dict.fromkeys(e.alarm["installation_id"] for e in events if e.alarm.get("installation_id")):
        try:
            recompute_installation(installation_id)
        except Exception:  # risk is derived and recomputed on the next change; never block notification
            logger.exception("risk recompute failed", extra={"installation_id": installation_id})


def recompute_installation(installation_id: str) -> str:
    """Recompute one installation, then its enterprise and the park; returns the installation's level."""
    inst = registry.installation(installation_id, SYSTEM)
    active = [
        domain.ActiveCondition(a.tag_id, a.condition)
        for a in alarms.open_alarms(installation_id)
        if a.active and not a.out_of_service
    ]
    result = domain.assess_installation(inst.grade, active)
    _store(
        f"installation:{installation_id}",
        inst.enterprise_id,
        inst.name,
        result.level,
        result.static_level,
        list(result.reasons),
    )
    recompute_enterprise(inst.enterprise_id)
    return result.level


def recompute_enterprise(enterprise_id: str) -> None:
    """The riskiest installation, raised by the enterprise's open major, overdue or escalated hidden dangers
    (a `dangers.ports` subscriber: the hidden-danger context tells it when they change)."""
    rows = [r for r in store.RiskModel.by_enterprise.query(enterprise_id) if r.scope.startswith("installation:")]
    installations = domain.highest(r.level for r in rows)
    name = registry.enterprise(enterprise_id, SYSTEM).name
    hot = [r.name for r in rows if r.level == installations and installations != "blue"]
    found = dangers.enterprise_summary(enterprise_id)
    level, raised = domain.with_dangers(installations, found.major_open, found.overdue, found.orders_escalated)
    reasons = ([f"最高风险单元：{'、'.join(hot[:3])}"] if hot else []) + raised
    _store(f"enterprise:{enterprise_id}", enterprise_id, name, level, "blue", reasons)
    park_rows = list(store.RiskModel.scan(store.RiskModel.scope.startswith("enterprise:")))
    park_level = domain.highest(r.level for r in park_rows)
    _store(
        "park",
        PARK,
        "园区",
        park_level,
        "blue",
        [f"{r.name}: {domain.LABELS[r.level]}" for r in park_rows if r.level == park_level and park_level != "blue"],
    )


def _view(row: store.RiskModel | None, scope: str, fallback: dict[str, Any]) -> dict[str, Any]:
    if row is None:
        return {
            "scope": scope,
            "level": "blue",
            "label": domain.LABELS["blue"],
            "reasons": [],
            "since": None,
            **fallback,
        }
    return {
        "scope": scope,
        "name": row.name,
        "level": row.level,
        "label": domain.LABELS[row.level],
        "static_level": row.static_level,
        "reasons": orjson.loads(row.reasons),
        "since": row.since_ms,
        "updated": row.updated_ms,
        **fallback,
    }


def installation_view(installation_id: str, who: Identity) -> dict[str, Any]:
    inst = registry.installation(installation_id, who)
    open_now = [alarms.public(a) for a in alarms.open_alarms(installation_id)]
    return _view(
        _row(f"installation:{installation_id}"),
        f"installation:{installation_id}",
        {
            "name": inst.name,
            "enterprise_id": inst.enterprise_id,
            "grade": inst.grade,
            "active_alarms": [{k: a[k] for k in ("id", "tag_id", "condition", "priority", "state")} for a in open_now],
        },
    )


def enterprise_view(enterprise_id: str, who: Identity) -> dict[str, Any]:
    enterprise = registry.enterprise(enterprise_id, who)
    parts = [
        _view(r, r.scope, {})
        for r in store.RiskModel.by_enterprise.query(enterprise_id)
        if r.scope.startswith("installation:")
    ]
    return _view(
        _row(f"enterprise:{enterprise_id}"),
        f"enterprise:{enterprise_id}",
        {"name": enterprise.name, "installations": parts},
    )


def park_view(who: Identity) -> dict[str, Any]:
    rows = [
        r for r in store.RiskModel.scan(store.RiskModel.scope.startswith("enterprise:")) if who.can_see(r.enterprise_id)
    ]
    view = _view(_row("park"), "park", {"name": "园区", "enterprises": [_view(r, r.scope, {}) for r in rows]})
    if who.is_enterprise_scoped:  # an enterprise sees the park's colour, not why (other tenants' data)
        view["reasons"] = []
    return view
