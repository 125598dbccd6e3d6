"""The one send point of patrol and smart inspection (5.3.2-3): every notice to inspectors and the safety
department goes through `tell`. It texts through the notify context today; the mobile app push channel
(issue 14) joins here, so no caller changes when it does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
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
