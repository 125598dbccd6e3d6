"""Emergency resource rules (应急资源, 5.2.1), pure: ownership, dispatch status, supply reminders, GeoJSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.core import errors
from chalicelib.core.identity import PARK

KINDS = ("team", "expert", "equipment", "supply", "vehicle", "medical_point", "shelter")
KIND_LABEL = {
    "team": "救援队伍",
    "expert": "专家",
    "equipment": "装备",
    "supply": "物资",
    "vehicle": "车辆",
    "medical_point": "医疗点",
    "shelter": "避难场所",
}
STATUSES = ("available", "deployed", "maintenance", "unavailable")
STATUS_LABEL = {"available": "可用", "deployed": "已调派", "maintenance": "维护中", "unavailable": "不可用"}
REASON_LABEL = {"expiry": "临近保质期", "expired": "已过保质期", "wear": "达到损耗阈值"}

PARK_RESOURCE_READ_ONLY = errors.define(
    "PARK_RESOURCE_READ_ONLY",
    403,
    "园区级应急资源对企业用户只读",
    "An enterprise user tried to create, change or delete a park-owned resource.",
)
RESOURCE_NOT_AVAILABLE = errors.define(
    "RESOURCE_NOT_AVAILABLE",
    409,
    "应急资源当前不可调派",
    "Only an available resource can be deployed (or one already deployed to the same incident).",
)
RESOURCE_DEPLOYED_ELSEWHERE = errors.define(
    "RESOURCE_DEPLOYED_ELSEWHERE",
    409,
    "应急资源已被其他事件调派",
    "The resource is deployed to another incident; that incident must release it first.",
)


def owner_of(enterprise_id: str | None) -> str:
    return enterprise_id or PARK


def enterprise_of(owner: str) -> str | None:
    return None if owner == PARK else owner


def view(data: dict[str, Any], owner: str) -> dict[str, Any]:
    """A resource as the API and other contexts see it: its document, `enterprise_id`, `owner` ("park" or the id)."""
    enterprise_id = enterprise_of(owner)
    return {**data, "enterprise_id": enterprise_id, "owner": enterprise_id or "park"}


def check_status_change(current: str, current_incident: str | None, new: str, incident_id: str | None) -> None:
    """Dispatch rules: deploy only what is available; never take a resource from another incident."""
    if current == "deployed" and current_incident and incident_id and incident_id != current_incident:
        raise RESOURCE_DEPLOYED_ELSEWHERE(details={"incident_id": current_incident})
    if new == "deployed" and current != "available" and not (current == "deployed" and incident_id == current_incident):
        raise RESOURCE_NOT_AVAILABLE(details={"status": current})


def expiry_date(production_date: date, shelf_life_days: int) -> date:
    """保质期到期日 = 生产（入库）日期 + 保质期天数."""
    return production_date + timedelta(days=shelf_life_days)


@dataclass(frozen=True)
class Due:
    """A supply condition that calls for replacement or replenishment (物资更换补充提醒)."""

    reason: str  # expiry | expired | wear
    facts: dict[str, Any]


def supply_reminders(details: dict[str, Any], today: date, warn_days: int) -> list[Due]:
    """What is due for a supply today: near or past its expiry date, at or past its wear threshold.

    "expired" is a reason of its own so that crossing the date is announced once more, not swallowed by the
    earlier "expiry" reminder.
    """
    due: list[Due] = []
    raw = details.get("expiry_date")
    if raw:
        expires = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        days_left = (expires - today).days
        if days_left < 0:
            due.append(Due("expired", {"expiry_date": expires.isoformat(), "days_left": days_left}))
        elif days_left <= warn_days:
            due.append(Due("expiry", {"expiry_date": expires.isoformat(), "days_left": days_left}))
    threshold, used = details.get("wear_threshold"), int(details.get("usage_count") or 0)
    if threshold and used >= int(threshold):
        due.append(Due("wear", {"usage_count": used, "wear_threshold": int(threshold)}))
    return due


def reminder_text(resource: dict[str, Any], due: Due) -> str:
    """The zh-CN reminder sent to the park (SNS) and shown in the list."""
    name, facts = resource["name"], due.facts
    if due.reason == "expiry":
        return f"物资「{name}」将于 {facts['expiry_date']} 到期（剩余 {facts['days_left']} 天），请及时更换补充。"
    if due.reason == "expired":
        return f"物资「{name}」已于 {facts['expiry_date']} 过期，请立即更换。"
    return f"物资「{name}」使用次数 {facts['usage_count']} 已达损耗阈值 {facts['wear_threshold']}，请检修或更换。"


def feature(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource as a GeoJSON Point Feature (RFC 7946: coordinates are [lon, lat])."""
    loc = resource["location"]
    props = {k: v for k, v in resource.items() if k != "location"}
    props["kind_label"] = KIND_LABEL.get(resource.get("kind", ""), "")
    props["status_label"] = STATUS_LABEL.get(resource.get("status", ""), "")
    return {
        "type": "Feature",
        "id": resource.get("id"),
        "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
        "properties": props,
    }


def feature_collection(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(r) for r in resources]}


def map_feature(resource: dict[str, Any]) -> dict[str, Any]:
    """`feature` in the map layers' shape (contract C): `kind` names the layer, the resource's own kind moves
    to `resource_type`; everything else `feature` says is kept."""
    out = feature(resource)
    props = out["properties"]
    props["resource_type"] = props.pop("kind", None)
    props["resource_id"] = str(resource.get("id"))
    out["id"] = str(resource.get("id"))
    out["properties"] = {"kind": "resource", "name": resource.get("name", ""), **props}
    return out
