"""Identifiers: a short type prefix plus a time-sortable ULID, so ids sort by creation time."""

from __future__ import annotations

import os
import re
from typing import TypeGuard

from chalicelib.core import clock

# Client-chosen ids (tags, gateways, enterprises): what a DynamoDB key, an MQTT topic level and a URL path
# segment all take safely.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
_ID = re.compile(ID_PATTERN)


def is_id(value: object) -> TypeGuard[str]:
    """True for a string of the client-chosen id form (`ID_PATTERN`)."""
    return type(value) is str and _ID.fullmatch(value) is not None


_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


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
