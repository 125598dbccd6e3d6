"""Risk colours: recompute installations on alarm events, enterprises by their profile, roll up to the park.

The alarm context tells `on_alarm_events` of every dispatched event (an `alarms.ports` subscriber wired by
chalicelib.bootstrap): risk follows the alarms, the alarms never call risk."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import service as alarms
from chalicelib.core import aws, catalog, clock
from chalicelib.core.identity import PARK, SYSTEM
from chalicelib.core.observability import logger
from chalicelib.registry import service as registry
from chalicelib.risk import domain, store
from chalicelib.risk.domain.profile import Profile
from chalicelib.risk.service import profile


def stored(scope: str) -> store.RiskModel | None:
    try:
        return store.RiskModel.get(scope, consistent_read=True)
    except DoesNotExist:
        return None


def _store(
    scope: str, enterprise_id: str, name: str, level: str, static: str, reasons: list[str], score: int | None = None
) -> bool:
    """Write when the level or its reasons changed; publish a risk change when the colour changed. True when the
    colour changed (or the scope had none yet)."""
    row, now = stored(scope), clock.now_ms()
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
        score=score,
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
    """Recompute an enterprise's colour (a `dangers.ports` subscriber: told when its dangers change)."""
    refresh_enterprise(enterprise_id)


def refresh_enterprise(enterprise_id: str) -> Profile:
    """The enterprise's risk profile, now; its colour and score stored (the one scoring: docs/risk.md), then the
    park's roll-up: the park is as risky as its riskiest enterprise."""
    result = profile.compute(enterprise_id)
    name = registry.enterprise(enterprise_id, SYSTEM).name
    scope = f"enterprise:{enterprise_id}"
    recoloured = _store(scope, enterprise_id, name, result.level, "blue", result.reasons(), result.score)
    if recoloured or stored("park") is None:  # the same colour leaves the park's as it is: no table scan
        roll_up_park()
    return result


def roll_up_park() -> None:
    """The park's colour: its riskiest enterprise's (consistent reads: of two enterprises changing at once, the
    later roll-up sees both). The snapshot sweep runs it once more, so a lost race heals within the hour."""
    park_rows = list(store.RiskModel.scan(store.RiskModel.scope.startswith("enterprise:"), consistent_read=True))
    park_level = domain.highest(r.level for r in park_rows)
    _store(
        "park",
        PARK,
        "园区",
        park_level,
        "blue",
        [f"{r.name}: {domain.LABELS[r.level]}" for r in park_rows if r.level == park_level and park_level != "blue"],
    )
