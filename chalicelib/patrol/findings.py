"""What a check item's result starts (5.3.2-1): a failed item registers a hidden danger in the register of the
enterprise responsible for the place (dangers service, source `patrol`, with the check-in's photos); an item
marked urgent, or one on a park place no enterprise answers for, raises an alarm through the alarm engine's
event-alarm entry point instead (source `patrol`, one open alarm per route, checkpoint and item), and the
alarm is cleared when a later patrol finds that item passing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock, errors
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.dangers import service as dangers
from chalicelib.patrol import domain, store
from chalicelib.patrol.schemas.plans import ItemResult

SOURCE = "patrol"


def follow(
    task: store.TaskModel,
    route: dict[str, Any],
    cp: dict[str, Any],
    results: Sequence[ItemResult],
    photo_keys: list[str],
    who: Identity,
) -> list[dict[str, Any]]:
    """One outcome per failed item (and per alarmed item found passing again); a failure to follow up is
    recorded on the check-in, never undoes it."""
    items = {i["id"]: i for i in cp["items"]}
    owner = cp.get("enterprise_id") or (None if task.enterprise_id == PARK else task.enterprise_id)
    out = []
    for result in results:
        item = items[result.item_id]
        alarmed = bool(item.get("urgent")) or owner is None
        try:
            if result.result == domain.Result.PASS:
                if alarmed:
                    cleared = alarms.clear_event_alarm(SOURCE, key(route, cp, item))
                    if cleared:
                        out.append({"item_id": item["id"], "kind": "alarm_cleared", "alarm_id": cleared})
            elif alarmed or owner is None:
                out.append(alarm(task, route, cp, item, result, owner))
            else:
                out.append(danger(task, route, cp, item, result, owner, photo_keys, who))
        except Exception as exc:
            code = exc.code if isinstance(exc, errors.AppError) else type(exc).__name__
            logger.exception("patrol finding not registered", extra={"task_id": task.id, "item_id": item["id"]})
            out.append({"item_id": item["id"], "kind": "failed", "error": code})
    return out


def key(route: dict[str, Any], cp: dict[str, Any], item: dict[str, Any]) -> str:
    """The alarm condition's identity: this item at this checkpoint of this route (a second failure while the
    alarm is open updates it rather than opening another)."""
    return f"{route['id']}/{cp['id']}/{item['id']}"


def danger(
    task: store.TaskModel,
    route: dict[str, Any],
    cp: dict[str, Any],
    item: dict[str, Any],
    result: ItemResult,
    enterprise_id: str,
    photo_keys: list[str],
    who: Identity,
) -> dict[str, Any]:
    deadline = clock.now() + timedelta(days=int(item.get("rectify_days", 7)))
    body = dangers.DangerIn.model_validate(
        {
            "enterprise_id": enterprise_id,
            "title": f"巡检发现：{cp['name']}·{item['name']}"[:120],
            "source": SOURCE,
            "category": item.get("category", "safety"),
            "description": (
                f"巡检任务 {task.id} 巡检点“{cp['name']}”（{cp['id']}）检查项“{item['name']}”不合格："
                f"{result.note or '未填写说明'}"
            )[:2000],
            "location": cp["location"],
            "place": f"{route['name']} / {cp['name']}"[:120],
            "handling": "deadline",
            "deadline": deadline.isoformat(),
            "liable_person": cp.get("liable_person") or route["liable_person"],
            "photos": photo_keys,
        }
    )
    registered = dangers.register_found(body, who)
    return {"item_id": item["id"], "kind": "danger", "danger_id": registered.id}


def alarm(
    task: store.TaskModel,
    route: dict[str, Any],
    cp: dict[str, Any],
    item: dict[str, Any],
    result: ItemResult,
    enterprise_id: str | None,
) -> dict[str, Any]:
    note = f"：{result.note}" if result.note else ""
    alarm_id = alarms.raise_event_alarm(
        alarms.EventAlarm(
            source=SOURCE,
            kind="patrol_item_failed",
            key=key(route, cp, item),
            enterprise_id=enterprise_id,
            priority=Priority(item.get("alarm_priority", Priority.HIGH)),
            title=f"巡检不合格：{route['name']} {cp['name']}·{item['name']}{note}"[:200],
            lat=cp["location"]["lat"],
            lon=cp["location"]["lon"],
            zone_id=route.get("zone_id"),
            details={"task_id": task.id, "route_id": route["id"], "checkpoint_id": cp["id"], "item_id": item["id"]},
        )
    )
    return {"item_id": item["id"], "kind": "alarm", "alarm_id": alarm_id}
