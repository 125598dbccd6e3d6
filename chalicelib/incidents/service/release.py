"""Information release of an incident (5.2.3-3): the warning publication path, entered already verified.

The commander states the level and content; drafts per audience, approval by another person (four eyes),
publication on the channels and tracking run in the warning workflow, started here from a Lambda (never
as a nested execution).
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock
from chalicelib.core.identity import Identity
from chalicelib.incidents import domain
from chalicelib.incidents.service.records import load, log
from chalicelib.warnings import service as warnings


def release(incident_id: str, who: Identity, level: str, impact: str) -> dict[str, Any]:
    """Start the publication of an active incident's information (approval by another person, then channels)."""
    incident = load(incident_id, who).data()
    domain.require_status(incident["status"], "release")
    now = clock.now_ms()
    priority = "urgent" if level in ("red", "orange") else "high"
    warning = warnings.create(
        {
            "source": "incident",
            "incident_id": incident_id,
            "alarm_ids": [],
            "enterprise_id": incident["enterprise_id"],
            "installation_id": incident.get("installation_id"),
            "tag_id": None,
            "priority": priority,
            "title": incident["title"],
            "description": impact,
            "drill": bool(incident.get("drill")),
            "verification": {"outcome": "confirmed", "level": level, "impact": impact, "by": who.subject, "at": now},
            "verified_ms": now,
            "verified_by": who.subject,
            "enterprise_name": "",
            "installation_name": incident["place"].get("text", ""),
        },
        None,
        who.subject,
        mode="release",
    )
    log(incident_id, "event", who.subject, f"信息发布进入审批：{warning.id}（{level}）", warning_id=warning.id)
    return {"warning_id": warning.id, "status": warning.status}
