"""What a failed check item starts (5.3.2-1): a hidden danger in the register of the enterprise responsible for
the place (dangers service, source `patrol`, with the check-in's photos), or, for an item marked urgent or a
park place no enterprise answers for, an alarm through the alarm engine's event-alarm entry point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.dangers import service as dangers
from chalicelib.patrol import store
from chalicelib.patrol.schemas.plans import ItemResult


def follow(
    task: store.TaskModel,
    route: dict[str, Any],
    cp: dict[str, Any],
    failed: Sequence[ItemResult],
    photo_keys: list[str],
    who: Identity,
) -> list[dict[str, Any]]:
    """One outcome per failed item; a failure to follow up is recorded on the check-in, never undoes it."""
    items = {i["id"]: i for i in cp["items"]}
    owner = cp.get("enterprise_id") or (None if task.enterprise_id == PARK else task.enterprise_id)
    out = []
    for result in failed:
        item = items[result.item_id]
        try:
            if item.get("urgent") or owner is None:
                out.append(alarm(task, route, cp, item, result, owner))
            else:
                out.append(danger(task, route, cp, item, result, owner, photo_keys, who))
        except Exception as exc:
            code = exc.code if isinstance(exc, errors.AppError) else type(exc).__name__
            logger.exception("patrol finding not registered", extra={"task_id": task.id, "item_id": item["id"]})
            out.append({"item_id": item["id"], "kind": "failed", "error": code})
    return out


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
            "source": "patrol",
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
    registered = dangers.register(body, who)
    return {"item_id": item["id"], "kind": "danger", "danger_id": registered["id"]}


def alarm(
    task: store.TaskModel,
    route: dict[str, Any],
    cp: dict[str, Any],
    item: dict[str, Any],
    result: ItemResult,
    enterprise_id: str | None,
) -> dict[str, Any]:
    raise NotImplementedError("event alarms: raised through alarms.raise_event_alarm once it lands")
