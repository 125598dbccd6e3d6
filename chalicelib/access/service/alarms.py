"""Gate alarms (自动报警拦截, 5.3.1): a denied or black-listed entry raises an event alarm at the gate's location
through the alarm engine's entry point (source "access"); repeated attempts of one subject at one gate update
the open alarm instead of opening another."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.access.domain import REASON_LABEL, Reason, pseudonym
from chalicelib.access.domain.gate import Decision
from chalicelib.alarms import service as alarms
from chalicelib.core.identity import PARK
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority


def raise_for(
    gate: Mapping[str, Any], gate_owner: str, event: Mapping[str, Any], subject: str, d: Decision, owner: str
) -> str | None:
    """The alarm id, or None when the engine refused it (logged: the decision and record stand)."""
    try:
        return alarms.raise_event_alarm(_alarm(gate, gate_owner, event, subject, d, owner))
    except Exception:
        logger.exception("gate alarm failed", extra={"gate_id": gate["id"], "event_id": event["event_id"]})
        return None


def _alarm(
    gate: Mapping[str, Any], gate_owner: str, event: Mapping[str, Any], subject: str, d: Decision, owner: str
) -> Any:
    black = Reason.BLACK_LISTED in d.reasons
    who = event.get("plate") or "人员"
    labels = "、".join(REASON_LABEL[r] for r in d.reasons)
    return alarms.EventAlarm(
        source="access",
        kind="gate_blacklisted" if black else "gate_denied",
        key=f"{gate['id']}:{pseudonym(subject)}",
        enterprise_id=None if gate_owner == PARK else gate_owner,
        priority=Priority.HIGH if black else Priority.LOW,
        title=f"{gate['name']}拦截{who}：{labels}",
        lat=float(gate["location"]["lat"]),
        lon=float(gate["location"]["lon"]),
        zone_id=gate.get("zone_id"),
        details={
            "gate_id": str(gate["id"]),
            "event_id": str(event["event_id"]),
            "direction": str(event["direction"]),
            "decision": d.decision,
            "reasons": ",".join(r.value for r in d.reasons),
            "plate": str(event.get("plate") or ""),
            "subject": pseudonym(subject),
            "record_enterprise_id": owner,
        },
    )
