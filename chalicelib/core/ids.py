"""Identifiers: a short type prefix plus a time-sortable ULID, so ids sort by creation time."""

from __future__ import annotations

import os

from chalicelib.core import clock

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
