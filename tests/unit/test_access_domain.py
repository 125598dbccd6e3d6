"""Closed-park rules without AWS: gate decisions per reason, appointment validity, the waybill check, presence
moves and counts, masking."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.access.domain import Reason, ZoneLevel, mask_id_number, mask_phone, normal_plate, presence, waybill
from chalicelib.access.domain import appointments as apt
from chalicelib.access.domain.gate import Credential, decide, valid_appointment

H = 3600 * 1000
GENERAL = {"id": "g1", "kind": "general", "zone_id": None}


def cred(kind: str = "person", zones: frozenset[str] = frozenset(), certs: tuple[Any, ...] = ()) -> Credential:
    return Credential("appointment", "apt_1", "ent_a", kind, zones, certs)


@pytest.mark.parametrize(
    ("gate", "level", "is_vehicle", "black", "credential", "expected"),
    [
        (GENERAL, None, False, False, cred(), ("allow", ())),
        (GENERAL, None, False, True, cred(), ("alarm", (Reason.BLACK_LISTED,))),
        ({**GENERAL, "kind": "emergency"}, None, False, False, cred(), ("deny", (Reason.GATE_CLOSED,))),
        (GENERAL, None, True, False, cred("hazmat_vehicle"), ("deny", (Reason.OFF_ROUTE,))),
        ({**GENERAL, "kind": "hazmat"}, None, True, False, cred("hazmat_vehicle"), ("allow", ())),
        ({**GENERAL, "kind": "unattended"}, None, False, False, cred(), ("deny", (Reason.WRONG_GATE,))),
        ({**GENERAL, "kind": "unattended"}, None, True, False, cred("vehicle"), ("allow", ())),
        (
            {**GENERAL, "zone_id": "z1"},
            ZoneLevel.RESTRICTED,
            False,
            False,
            cred(),
            ("deny", (Reason.ZONE_NOT_PERMITTED,)),
        ),
        ({**GENERAL, "zone_id": "z1"}, ZoneLevel.PUBLIC, False, False, cred(), ("allow", ())),
        (
            {**GENERAL, "zone_id": "z1"},
            ZoneLevel.CONTROLLED,
            False,
            False,
            cred(zones=frozenset({"z1"})),
            ("allow", ()),
        ),
        (GENERAL, None, False, False, cred(certs=({"expires_ms": 5},)), ("deny", (Reason.CERTIFICATE_EXPIRED,))),
    ],
)
def test_gate_decisions(gate: Any, level: Any, is_vehicle: bool, black: bool, credential: Any, expected: Any) -> None:
    d = decide(gate, level, "in", is_vehicle, black, credential, None, 10)
    assert (d.decision, d.reasons) == expected


def test_no_credential_says_why_and_leaving_is_always_allowed() -> None:
    assert decide(GENERAL, None, "in", False, False, None, Reason.APPOINTMENT_EXPIRED, 0).reasons == (
        Reason.APPOINTMENT_EXPIRED,
    )
    assert decide({**GENERAL, "kind": "emergency"}, None, "out", False, True, None, None, 0).decision == "allow"


def test_valid_appointment_picks_the_approved_one_in_its_window() -> None:
    def a(state: str, start: int, end: int) -> dict[str, Any]:
        return {"state": state, "valid_from_ms": start, "valid_to_ms": end}

    assert valid_appointment([], 5) == (None, Reason.NO_APPOINTMENT)
    assert valid_appointment([a("pending_host", 0, 9)], 5) == (None, Reason.APPOINTMENT_NOT_APPROVED)
    assert valid_appointment([a("approved", 6, 9)], 5) == (None, Reason.APPOINTMENT_EXPIRED)
    assert valid_appointment([a("cancelled", 0, 9)], 5) == (None, Reason.NO_APPOINTMENT)
    found, why = valid_appointment([a("approved", 6, 9), a("approved", 0, 7)], 5)
    assert why is None and found is not None and found["valid_to_ms"] == 7


def test_validity_per_kind() -> None:
    now = 100 * H
    assert apt.validity_reasons("hazmat_vehicle", False, now, now + 24 * H, now) == []
    assert apt.validity_reasons("hazmat_vehicle", False, now, now + 25 * H, now) == [Reason.VALIDITY_TOO_LONG]
    assert apt.validity_reasons("vehicle", True, now, now + 365 * 24 * H, now) == []
    assert apt.validity_reasons("person", False, now, now + 30 * H, now) == [Reason.VALIDITY_TOO_LONG]
    assert apt.validity_reasons("person", False, now - 5 * H, now, now) == [Reason.EXPIRED]
    assert apt.next_state("pending_host", "hazmat_vehicle") == apt.State.PENDING_PARK
    assert apt.next_state("pending_host", "vehicle") == apt.State.APPROVED
    assert apt.escort_reasons("person", False, {"z": ZoneLevel.CONTROLLED}) == [Reason.ESCORT_REQUIRED]
    assert apt.escort_reasons("vehicle", False, {"z": ZoneLevel.CONTROLLED}) == []


STORED = waybill.stored_lines(
    [
        ("operating", [("氯", "7782-50-5", 20)]),
        ("maintenance", [("氯", "7782-50-5", 5)]),
        ("decommissioned", [("氨", "7664-41-7", 50)]),
    ]
)


def bill(goods: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    return {"destination_enterprise_id": "ent_a", "plate": "苏E·12345", "goods": goods, **over}


def reasons(found: list[tuple[Reason, dict[str, str]]]) -> list[Reason]:
    return [r for r, _ in found]


def test_waybill_goods_against_the_destination_inventory() -> None:
    assert waybill.check(bill([{"un_number": "UN1017", "quantity_t": 25}]), "ent_a", "苏E12345", STORED) == []
    over = waybill.check(bill([{"un_number": "1017", "quantity_t": 26}]), "ent_a", "苏E12345", STORED)
    assert over == [(Reason.WAYBILL_QUANTITY_EXCEEDED, {"goods": "0", "un_number": "1017", "max_t": "25"})]
    ammonia = bill([{"un_number": "UN1005", "quantity_t": 1}])  # only a decommissioned unit stores it
    assert reasons(waybill.check(ammonia, "ent_a", "苏E12345", STORED)) == [Reason.WAYBILL_GOODS_NOT_PERMITTED]
    by_name = bill([{"un_number": "UN3000", "name": "氯", "quantity_t": 1}])
    assert waybill.check(by_name, "ent_a", "苏E12345", STORED) == []
    wrong = bill([{"un_number": "UN1017", "quantity_t": 1}], destination_enterprise_id="ent_b", plate="苏A00001")
    assert reasons(waybill.check(wrong, "ent_a", "苏E12345", STORED)) == [
        Reason.WAYBILL_DESTINATION_MISMATCH,
        Reason.WAYBILL_PLATE_MISMATCH,
    ]
    assert reasons(waybill.check(None, "ent_a", "苏E12345", STORED)) == [Reason.WAYBILL_REQUIRED]


def row(inside: bool, zone: str | None, last: int, kind: str = "person", ent: str = "e1") -> dict[str, Any]:
    return {"inside": inside, "zone_id": zone, "last_ms": last, "subject_kind": kind, "enterprise_id": ent}


def test_presence_moves_and_counts() -> None:
    assert presence.move("in", None) == presence.Place(True, None)
    assert presence.move("in", "z1") == presence.Place(True, "z1")
    assert presence.move("out", "z1") == presence.Place(True, None)
    assert presence.move("out", None) == presence.Place(False, None)
    assert presence.applies(None, 1) and presence.applies(5, 5) and not presence.applies(5, 4)
    rows = [row(True, "z1", 100), row(True, None, 100, "vehicle", "e2"), row(False, None, 100), row(True, "z1", 1)]
    park = presence.counts(rows, None, 110, 50)
    assert (park["people"], park["vehicles"], park["stale"]) == (1, 1, 1)
    assert park["by_enterprise"] == {"e1": {"people": 1, "vehicles": 0}, "e2": {"people": 0, "vehicles": 1}}
    assert presence.counts(rows, "z1", 110, 50)["people"] == 1


def test_masking_and_plates() -> None:
    assert mask_phone("13800001234") == "138****1234"
    assert mask_id_number("320102199001011234") == "320***********1234"
    assert normal_plate("苏e·123 45") == "苏E12345"
