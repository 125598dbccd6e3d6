"""What other contexts read of a digital plan, as frozen views (not the API's documents).

Incidents read the plan selected on activation (`PlanView`) and store it whole in the incident as `public()`,
the JSON `GET /plans/select` gives (without `notify`); the alarm context reads an alarm's applicable plans and
nearest resources (`AlarmPlans`, through its `plans` port) and shows them whole as `public()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the annotation only: importing it would load the resources context on `import app`
    from chalicelib.resources.service import ResourceView


@dataclass(frozen=True)
class Task:
    seq: int  # 1, 2, ... in the plan's order
    title: str
    responsible: str
    due_minutes: int
    description: str


@dataclass(frozen=True)
class Notification:
    """Whom to call from `min_level` upwards."""

    name: str
    role: str
    phone: str
    min_level: str

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "phone": self.phone, "min_level": self.min_level}


@dataclass(frozen=True)
class Section:
    title: str
    body: str


@dataclass(frozen=True)
class PlanView:
    """One version of a plan as selected for an incident (`specificity`: installation, enterprise or park)."""

    plan_id: str
    version: int
    current_version: int
    is_current: bool
    status: str
    name: str
    accident_types: tuple[str, ...]
    levels: tuple[str, ...]
    enterprise_id: str | None
    owner: str  # "park" or the enterprise id
    installation_ids: tuple[str, ...]
    tasks: tuple[Task, ...]
    notifications: tuple[Notification, ...]
    linkage_rules: tuple[str, ...]
    sections: tuple[Section, ...]
    note: str
    revised_at: int
    revised_by: str
    created_at: int
    retired_at: int | None
    retired_reason: str | None
    specificity: str

    def public_tasks(self) -> list[dict[str, Any]]:
        return [
            {
                "seq": t.seq,
                "title": t.title,
                "responsible": t.responsible,
                "due_minutes": t.due_minutes,
                "description": t.description,
            }
            for t in self.tasks
        ]

    def public(self) -> dict[str, Any]:
        """The plan as the plans service gives it (its document first, then the version's facts)."""
        return {
            "name": self.name,
            "accident_types": list(self.accident_types),
            "levels": list(self.levels),
            "enterprise_id": self.enterprise_id,
            "installation_ids": list(self.installation_ids),
            "tasks": self.public_tasks(),
            "notifications": [n.public() for n in self.notifications],
            "linkage_rules": list(self.linkage_rules),
            "sections": [{"title": s.title, "body": s.body} for s in self.sections],
            "plan_id": self.plan_id,
            "version": self.version,
            "current_version": self.current_version,
            "is_current": self.is_current,
            "status": self.status,
            "owner": self.owner,
            "note": self.note,
            "revised_at": self.revised_at,
            "revised_by": self.revised_by,
            "created_at": self.created_at,
            "retired_at": self.retired_at,
            "retired_reason": self.retired_reason,
            "specificity": self.specificity,
        }


def notification_of(n: Mapping[str, Any]) -> Notification:
    return Notification(n["name"], n["role"], n["phone"], n.get("min_level", "IV"))


def plan_view(plan: Mapping[str, Any]) -> PlanView:
    """The view of a plan as the plans service shapes it (`service.current_of`, ranked by `domain.applicable`)."""
    return PlanView(
        plan_id=plan["plan_id"],
        version=plan["version"],
        current_version=plan["current_version"],
        is_current=plan["is_current"],
        status=plan["status"],
        name=plan["name"],
        accident_types=tuple(plan["accident_types"]),
        levels=tuple(plan["levels"]),
        enterprise_id=plan.get("enterprise_id"),
        owner=plan["owner"],
        installation_ids=tuple(plan.get("installation_ids") or ()),
        tasks=tuple(
            Task(t["seq"], t["title"], t["responsible"], t["due_minutes"], t.get("description", ""))
            for t in plan.get("tasks", [])
        ),
        notifications=tuple(notification_of(n) for n in plan.get("notifications", [])),
        linkage_rules=tuple(plan.get("linkage_rules") or ()),
        sections=tuple(Section(s["title"], s.get("body", "")) for s in plan.get("sections", [])),
        note=plan["note"],
        revised_at=plan["revised_at"],
        revised_by=plan["revised_by"],
        created_at=plan["created_at"],
        retired_at=plan["retired_at"],
        retired_reason=plan["retired_reason"],
        specificity=plan["specificity"],
    )


@dataclass(frozen=True)
class AlarmPlan:
    """An applicable plan shown with an alarm; `notify`: whom to call at the suggested level."""

    plan: PlanView
    selected: bool
    notify: tuple[Notification, ...]


@dataclass(frozen=True)
class AlarmPlans:
    """An alarm's applicable plans (best first) and nearest resources (`alarms.ports.PlansForAlarm`)."""

    accident_types: tuple[str, ...]
    suggested_level: str
    plans: tuple[AlarmPlan, ...]
    resources: tuple[ResourceView, ...]

    def public(self) -> dict[str, Any]:
        """The `plan_basis`, `plans` and `resources` of an alarm's linkage context."""
        return {
            "plan_basis": {"accident_types": list(self.accident_types), "suggested_level": self.suggested_level},
            "plans": [
                {
                    "plan_id": a.plan.plan_id,
                    "version": a.plan.version,
                    "name": a.plan.name,
                    "accident_types": list(a.plan.accident_types),
                    "levels": list(a.plan.levels),
                    "specificity": a.plan.specificity,
                    "owner": a.plan.owner,
                    "selected": a.selected,
                    "tasks": a.plan.public_tasks(),
                    "linkage_rules": list(a.plan.linkage_rules),
                    "notify": [n.public() for n in a.notify],
                }
                for a in self.plans
            ],
            "resources": [
                {
                    "id": r.id,
                    "name": r.name,
                    "kind": r.kind,
                    "status": r.status,
                    "owner": r.owner,
                    "distance_m": r.distance_m,
                    "location": {"lat": r.location.lat, "lon": r.location.lon},
                    "contact": None if r.contact is None else {"name": r.contact.name, "phone": r.contact.phone},
                }
                for r in self.resources
            ],
        }
