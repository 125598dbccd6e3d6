"""Deployment tasks: linkage rules (devices, evacuation) and the plan's tasks with the nearest resources."""

from __future__ import annotations

from chalicelib.core import clock
from chalicelib.core.identity import Identity, Role
from chalicelib.incidents import domain
from chalicelib.incidents.service.command import instruct
from chalicelib.incidents.service.records import load, log, update
from chalicelib.linkage import service as linkage_service
from chalicelib.resources import service as resources

PLAN = Identity(subject="system:plan", roles=frozenset({Role.COMMANDER}), name="预案")


def linkage(incident_id: str) -> None:
    """Linkage rules (5.4.3-2): cameras, doors, exits, ventilation, evacuation push, big-screen highlight."""
    incident = load(incident_id).data()
    impact_ = incident.get("impact") or {}
    result = linkage_service.trigger(
        {
            "incident_id": incident_id,
            "type": incident["type"],
            "level": domain.LEVEL_TO_WARNING[domain.Level(incident["level"])],
            "enterprise_id": incident["enterprise_id"],
            "installation_id": incident.get("installation_id"),
            "source": {"lat": incident["place"]["lat"], "lon": incident["place"]["lon"]},
            "zones": impact_.get("zones", []),
            "isolation_radius_m": impact_.get("isolation_radius_m", 100.0),
            "drill": bool(incident.get("drill")),
            "faults": incident.get("faults", []),
        }
    )
    evacuation = result.evacuation
    notified = evacuation.notified if evacuation else 0
    update(
        incident_id,
        lambda d: d.update(
            linkage={"rules": [r.public() for r in result.rules], "commands": len(result.commands)},
            evacuation_counts={"notified": notified, "acknowledged": evacuation.acknowledged if evacuation else 0},
        ),
    )
    log(
        incident_id,
        "linkage",
        "system",
        f"联动规则 {len(result.rules)} 条，设备指令 {len(result.commands)} 条，疏散通知 {notified} 人",
    )


def dispatch(incident_id: str) -> None:
    """Task dispatch (6.4.3-2): the plan's tasks become instructions; nearest teams and vehicles are deployed."""
    incident = load(incident_id).data()
    plan = incident.get("plan") or {}
    contacts = {n["role"]: n for n in plan.get("notifications", [])} | {
        n["name"]: n for n in plan.get("notifications", [])
    }
    for task in plan.get("tasks", []):
        unit = task.get("responsible") or "现场指挥部"
        contact = contacts.get(unit, {})
        recipients = [{"name": unit, "role": contact.get("role", ""), "phone": contact.get("phone")}]
        content = f"{task['title']}（{task.get('due_minutes', 0)} 分钟内完成）"
        instruct(incident_id, PLAN, recipients, content, task=task["title"])
    place = incident["place"]
    deployed = []
    for r in resources.nearest(
        place["lat"], place["lon"], n=3, kinds=["team", "vehicle", "medical_point"], within_m=10000
    ):
        if r.status == "available":
            resources.set_status(r.id, "deployed", incident_id)
            deployed.append({"id": r.id, "name": r.name, "kind": r.kind, "distance_m": r.distance_m})
    update(incident_id, lambda d: d.update(dispatched_ms=clock.now_ms(), dispatched_resources=deployed))
    log(
        incident_id,
        "event",
        "system",
        f"派发预案任务 {len(plan.get('tasks', []))} 项，调派资源 {len(deployed)} 个",
        resources=[r["name"] for r in deployed],
    )
