"""What the closed-park use cases share: who sees personal numbers whole, and shaping for the API.

Masking rule (docs/closed-park.md "Masking", GB/T 35273-2020 展示限制): phone numbers keep 3 + 4 digits
(138****1234) and ID numbers 3 + 4 characters (320***********1234) in every response, except for the park
roles that verify people at the gate or on the phone: park_admin, duty_officer and integration (the gate
systems match the numbers). Names and plates are shown: the gate staff compare them with the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.access.domain import mask_id_number, mask_phone
from chalicelib.access.service.views import Person
from chalicelib.core import clock
from chalicelib.core.identity import PARK, Identity, Role

SEES_WHOLE = frozenset({Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.INTEGRATION})
PARK_ROLES = [Role.PARK_ADMIN, Role.DUTY_OFFICER, Role.COMMANDER]


def sees_whole(who: Identity) -> bool:
    return not who.is_enterprise_scoped and who.has_any(SEES_WHOLE)


def owner_out(owner: str) -> str | None:
    return None if owner == PARK else owner


def _person(p: Mapping[str, Any] | None, whole: bool) -> dict[str, Any] | None:
    if p is None or whole:
        return dict(p) if p is not None else None
    return {**p, "id_number": mask_id_number(p["id_number"]), "phone": mask_phone(p["phone"])}


def masked_person(p: Mapping[str, Any], who: Identity) -> Person:
    """A person (name, id_number, phone) as the caller may see them."""
    person = Person.of(p)
    if sees_whole(who):
        return person
    return Person(person.name, mask_id_number(person.id_number), mask_phone(person.phone))


def masked_appointment(data: Mapping[str, Any], who: Identity) -> dict[str, Any]:
    """An appointment as the caller may see it (personal numbers masked unless `sees_whole`)."""
    whole = sees_whole(who)
    out = dict(data)
    out["visitor"] = _person(data.get("visitor"), whole)
    if data.get("vehicle"):
        vehicle = dict(data["vehicle"])
        vehicle["driver"] = _person(vehicle["driver"], whole)
        vehicle["escort_person"] = _person(vehicle.get("escort_person"), whole)
        out["vehicle"] = vehicle
    if data.get("escort") and not whole:
        out["escort"] = {**data["escort"], "phone": mask_phone(data["escort"]["phone"])}
    out.update(
        valid_from=clock.iso(data["valid_from_ms"]),
        valid_to=clock.iso(data["valid_to_ms"]),
        created_at=clock.iso(data["created_ms"]),
        updated_at=clock.iso(data["updated_ms"]),
    )
    return out


def masked_record(data: Mapping[str, Any], who: Identity) -> dict[str, Any]:
    person = data.get("person_id")
    return {
        **data,
        "person_id": person if person is None or sees_whole(who) else mask_id_number(person),
        "enterprise_id": owner_out(data["enterprise_id"]),
        "at": clock.iso(data["at_ms"]),
        "received_at": clock.iso(data["received_ms"]),
    }
