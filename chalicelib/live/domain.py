"""Live topics, their tenancy and the message a console receives (contract C); pure rules.

Park roles read `live/park/<park_id>/<type>`, an enterprise's users only `live/enterprise/<their id>/<type>`.
The same rule is the local broker's ACL (local/live_auth.py) and the AWS IoT policy (infra/live.py), so the
broker, not the console, enforces tenancy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROOT = "live"
TYPES = ("alarm", "risk", "warning", "incident")
RAISING = frozenset({"raised", "reactivated"})  # alarm events (alarms.domain.Event) that open an alarm


def alarm_op(event_type: str, state: str) -> str:
    """raised (opened again) | cleared (back to normal and closed) | updated (acked, shelved, RTN, comment...)."""
    if event_type in RAISING:
        return "raised"
    return "cleared" if state == "normal" else "updated"


@dataclass(frozen=True)
class Audience:
    """Whose topics: the park's (enterprise_id None) or one enterprise's."""

    park_id: str
    enterprise_id: str | None

    @property
    def base(self) -> str:
        if self.enterprise_id is None:
            return f"{ROOT}/park/{self.park_id}"
        return f"{ROOT}/enterprise/{self.enterprise_id}"

    def topics(self) -> list[str]:
        return [f"{self.base}/{t}" for t in TYPES]

    def may_subscribe(self, topic_filter: str) -> bool:
        """Within the audience's own base: `<base>/#`, `<base>/alarm`, `<base>/+`; never a wildcard in the base."""
        base, levels = self.base.split("/"), topic_filter.split("/")
        if len(levels) <= len(base) or levels[: len(base)] != base:
            return False
        rest = levels[len(base) :]
        return (
            all(x for x in rest)
            and "#" not in rest[:-1]
            and all(x in ("#", "+") or not set(x) & {"#", "+"} for x in rest)
        )

    def may_receive(self, topic: str) -> bool:
        return topic.startswith(self.base + "/")


def destinations(park_id: str, type_: str, enterprise_id: str | None) -> list[str]:
    """Every topic one change goes to: the park's, and its enterprise's when it has one."""
    out = [f"{ROOT}/park/{park_id}/{type_}"]
    if enterprise_id:
        out.append(f"{ROOT}/enterprise/{enterprise_id}/{type_}")
    return out


def message(
    type_: str, op: str, item_id: str, enterprise_id: str | None, at: str, data: dict[str, Any]
) -> dict[str, Any]:
    """The console's message (contract C): `at` is ISO-8601 with offset, `data` the REST read's shape."""
    out: dict[str, Any] = {"type": type_, "op": op, "id": item_id, "at": at, "data": data}
    if enterprise_id:
        out["enterprise_id"] = enterprise_id
    return out
