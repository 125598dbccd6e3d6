"""Identifiers: a short type prefix plus a time-sortable ULID, so ids sort by creation time."""

from __future__ import annotations

import os
import re
from typing import TypeGuard

from chalicelib.core import clock, errors

# Client-chosen ids (tags, gateways, enterprises): what a DynamoDB key, an MQTT topic level and a URL path
# segment all take safely.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
_ID = re.compile(ID_PATTERN)


def is_id(value: object) -> TypeGuard[str]:
    """True for a string of the client-chosen id form (`ID_PATTERN`)."""
    return type(value) is str and _ID.fullmatch(value) is not None


_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


def event_key(ts: int) -> str:
    """Range key of history and timeline entries: time-ordered, unique even within one millisecond."""
    return f"{ts:013d}#{ulid(ts)}"


def ulid(ms: int | None = None) -> str:
    """26-character ULID: 48-bit millisecond time then 80 random bits."""
    value = ((ms if ms is not None else clock.now_ms()) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A new id such as `alm_01JD...`; the prefix names the entity type for humans and logs."""
    return f"{prefix}_{ulid()}"


def check_namespace(entity_id: str, enterprise_id: str | None, field: str = "id") -> None:
    """An enterprise user's client-chosen id lies in its enterprise's namespace, `<enterprise_id>-...`.

    So another tenant's id gets the same answer as any id outside the namespace, whether it is taken or not (no
    existence oracle), and nobody squats the ids another enterprise's gateways send (issue 10, finding 8).
    Park-level callers (enterprise_id None) register any id, as they see every enterprise anyway."""
    if enterprise_id is not None and not entity_id.startswith(f"{enterprise_id}-"):
        raise errors.invalid_field(field, f"企业用户自定义的编号须以本企业编号开头：{enterprise_id}-", "namespace")
