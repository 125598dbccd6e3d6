"""The one send point of patrol and smart inspection (5.3.2-3): every notice to inspectors and the safety
department goes through `tell` (texts through the notify context), and a dispatched task reaches its team's
phones through `task_dispatched` (notify's app channel)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Any

from chalicelib.core import clock
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.core.settings import get_settings
from chalicelib.notify import service as notify


@dataclass(frozen=True)
class Person:
    name: str
    phone: str
    audience: str  # inspectors | safety | enterprise


def tell(ref: str, people: Sequence[Person], text: str, enterprise_id: str) -> list[dict[str, Any]]:
    """Tell each person once per `ref` (a retried report texts nobody twice); what went out, phones masked.
    Never raises: one failed number must not keep the others from hearing."""
    out, seen = [], set()
    for person in people:
        if person.phone in seen:
            continue
        seen.add(person.phone)
        entry = {"name": person.name, "phone": notify.mask(person.phone), "audience": person.audience, "channel": "sms"}
        try:
            recipient = notify.Recipient(person.name, person.phone, Priority.LOW)
            sent = notify.send_sms(ref, recipient, text, "inspection", enterprise_id)
            entry["status"] = "sent" if sent else "already_sent"
        except Exception:
            logger.exception("patrol notice failed", extra={"ref": ref, "to": notify.mask(person.phone)})
            entry["status"] = "failed"
        out.append(entry)
    return out


def task_dispatched(task_id: str, assignees: Iterable[str], route_name: str, start_ms: int, enterprise_id: str) -> None:
    """A new patrol task reaches its team's phones through notify's app channel (once per task and device).
    Never raises: the task is dispatched whether or not anyone's phone hears of it."""
    local = timezone(timedelta(hours=get_settings().park_utc_offset_h))  # texts for people: park local time
    start = clock.from_ms(start_ms).astimezone(local).strftime("%m-%d %H:%M")
    text = f"【巡检任务】{route_name}，{start} 开始，请按时完成巡检打卡（任务 {task_id}）。"
    try:
        notify.to_people(
            f"patrol:{task_id}", assignees, notify.Category.PATROL_TASK, "巡检任务", text, enterprise_id,
            {"task_id": task_id},
        )  # fmt: skip
    except Exception:
        logger.exception("patrol task push failed", extra={"task_id": task_id})
