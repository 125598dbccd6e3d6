"""The gate decision (卡口放行判定, 5.3.1): allow, deny or alarm (deny and raise an alarm), with reason codes.

Leaving is always allowed (nobody is held inside; a black-listed person leaving is recorded, not stopped).
Entering needs, in this order: no black-list entry (else `alarm`), an open gate (emergency gates stay closed),
a credential (a white-list entry or an approved appointment valid at the event's time), the right gate for it
(hazmat vehicles only through hazmat gates, and through a gate of their appointment's approved route when it names
one; unattended gates only for vehicles that are not hazmat), the zone the
gate leads into named by the credential unless the zone is public, and certificates valid at that time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.access.domain import Reason, ZoneLevel
from chalicelib.access.domain.appointments import State, certificate_reasons


@dataclass(frozen=True)
class Credential:
    """What admits the subject: a white-list entry or an appointment."""

    source: str  # "white_list" | "appointment"
    ref: str  # entry or appointment id
    enterprise_id: str | None  # host (appointment) or employer (white list); None: the park's
    kind: str  # person | vehicle | hazmat_vehicle
    zones: frozenset[str]
    certificates: tuple[Mapping[str, Any], ...] = ()
    name: str = ""
    phone: str = ""
    route_id: str | None = None  # a hazmat appointment's approved transport route


@dataclass(frozen=True)
class Decision:
    decision: str  # allow | deny | alarm
    reasons: tuple[Reason, ...] = ()
    credential: Credential | None = None
    extra: dict[str, str] = field(default_factory=dict)


def valid_appointment(
    appointments: Sequence[Mapping[str, Any]], at_ms: int
) -> tuple[Mapping[str, Any] | None, Reason | None]:
    """The approved appointment valid at `at_ms`, else why none is (not approved, out of its window, none)."""
    live = [a for a in appointments if a["state"] not in (State.REJECTED, State.CANCELLED)]
    approved = [a for a in live if a["state"] == State.APPROVED]
    valid = [a for a in approved if a["valid_from_ms"] <= at_ms <= a["valid_to_ms"]]
    if valid:
        return max(valid, key=lambda a: a["valid_to_ms"]), None
    if approved:
        return None, Reason.APPOINTMENT_EXPIRED
    if live:
        return None, Reason.APPOINTMENT_NOT_APPROVED
    return None, Reason.NO_APPOINTMENT


def decide(
    gate: Mapping[str, Any],
    zone_level: ZoneLevel | None,
    direction: str,
    is_vehicle: bool,
    black_listed: bool,
    credential: Credential | None,
    missing: Reason | None,
    at_ms: int,
    route_ok: bool | None = None,
) -> Decision:
    """One gate event's decision. `credential` is what admits the subject (None: `missing` says why);
    `route_ok` whether the gate lies on the credential's approved route (None: no route to check)."""
    if direction == "out":
        return Decision("allow", (), credential)
    if black_listed:
        return Decision("alarm", (Reason.BLACK_LISTED,), credential)
    if gate["kind"] == "emergency":
        return Decision("deny", (Reason.GATE_CLOSED,), credential)
    if credential is None:
        return Decision("deny", (missing or Reason.NO_APPOINTMENT,), None)
    reasons: list[Reason] = []
    hazmat = credential.kind == "hazmat_vehicle"
    if hazmat and (gate["kind"] != "hazmat" or route_ok is False):
        reasons.append(Reason.OFF_ROUTE)
    if gate["kind"] == "unattended" and (not is_vehicle or hazmat):
        reasons.append(Reason.WRONG_GATE)
    zone_id = gate.get("zone_id")
    if zone_id and zone_level != ZoneLevel.PUBLIC and zone_id not in credential.zones:
        reasons.append(Reason.ZONE_NOT_PERMITTED)
    reasons += certificate_reasons(list(credential.certificates), at_ms)
    return Decision("deny" if reasons else "allow", tuple(dict.fromkeys(reasons)), credential)
