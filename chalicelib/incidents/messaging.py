"""Messages of an incident to people (call-outs, instructions): SMS and app push, or in a drill nothing real.

Exercise mode (5.2.4-1, Sahana's `exercise`): every text starts with 【演练】 and is only recorded.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.schemas import Priority
from chalicelib.notify import service as notifications

DRILL = "【演练】"


def notify(ref: str, recipients: list[dict[str, Any]], text: str, incident: dict[str, Any]) -> int:
    """Send (or, in a drill, record) one text to each recipient with a phone; returns how many went out."""
    drill = bool(incident.get("drill"))
    body = f"{DRILL}{text}" if drill and not text.startswith(DRILL) else text
    unreachable = {f.get("unit") for f in incident.get("faults", []) if f.get("kind") == "person_unreachable"}
    sent = 0
    for r in recipients:
        if not r.get("phone") or r.get("name") in unreachable:
            continue  # injected fault: this person cannot be reached
        person = notifications.Recipient(r["name"], r["phone"], Priority.LOW)
        if drill:
            sent += notifications.record_exercise(f"{ref}:{r['phone']}", person, body, incident["enterprise_id"])
        else:
            sent += notifications.send_sms(f"{ref}:{r['phone']}", person, body, "command", incident["enterprise_id"])
    return sent
