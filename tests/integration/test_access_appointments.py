"""Appointments (5.3.1): host approval, then park approval for hazmat vehicles; refusals with reason codes
(waybill mismatch, expired, black list, escort, certificates), masking of personal numbers by role."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.access_support import approved, hazmat_body, id_number, iso, make_site, person_body, plate


@pytest.fixture(scope="module")
def site(app: Any) -> Any:
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        return make_site(Api(client))


def refused(r: Any) -> list[str]:
    assert r.status_code == 422, r.json
    assert r.json["code"] == "APPOINTMENT_REFUSED", r.json
    return list(r.json["details"]["reasons"])


def test_person_needs_only_the_host(api: Any, site: Any) -> None:
    r = api.post(
        "/appointments", role="enterprise_manager", enterprise_id=site.park.enterprise_id, json=person_body(site)
    )
    assert r.status_code == 201, r.json
    assert r.json["state"] == "pending_host"
    apt = r.json["id"]
    park_first = api.post(f"/appointments/{apt}/approve", role="duty_officer", json={})
    assert park_first.status_code == 403 and park_first.json["code"] == "APPOINTMENT_APPROVER"
    done = api.post(
        f"/appointments/{apt}/approve", role="enterprise_manager", enterprise_id=site.park.enterprise_id, json={}
    )
    assert done.status_code == 200 and done.json["state"] == "approved"
    assert [a["step"] for a in done.json["approvals"]] == ["host"]
    again = api.post(f"/appointments/{apt}/approve", role="park_admin", json={})
    assert again.status_code == 409 and again.json["code"] == "APPOINTMENT_STATE"


def test_hazmat_vehicle_needs_host_then_park(api: Any, site: Any) -> None:
    r = api.post("/appointments", role="park_admin", json=hazmat_body(site))
    assert r.status_code == 201, r.json
    apt, host = r.json["id"], site.park.enterprise_id
    step = api.post(f"/appointments/{apt}/approve", role="enterprise_manager", enterprise_id=host, json={})
    assert step.json["state"] == "pending_park"
    host_again = api.post(f"/appointments/{apt}/approve", role="enterprise_manager", enterprise_id=host, json={})
    assert host_again.status_code == 403, "the host cannot give the park's approval"
    done = api.post(f"/appointments/{apt}/approve", role="duty_officer", json={"comment": "同意入园"})
    assert done.json["state"] == "approved"
    assert [a["step"] for a in done.json["approvals"]] == ["host", "park"]


def test_rejected_appointment_is_closed(api: Any, site: Any) -> None:
    apt = api.post("/appointments", role="park_admin", json=person_body(site)).json["id"]
    r = api.post(f"/appointments/{apt}/reject", role="park_admin", json={"reason": "无接待安排"})
    assert r.json["state"] == "rejected"
    assert api.post(f"/appointments/{apt}/approve", role="park_admin", json={}).status_code == 409


@pytest.mark.parametrize(
    ("goods", "reason"),
    [
        ([{"un_number": "UN1005", "name": "氨", "quantity_t": 5}], "WAYBILL_GOODS_NOT_PERMITTED"),
        ([{"un_number": "1017", "quantity_t": 25}], "WAYBILL_QUANTITY_EXCEEDED"),
        ([{"un_number": "UN9999", "name": "未知品", "quantity_t": 1}], "WAYBILL_GOODS_NOT_PERMITTED"),
    ],
)
def test_waybill_goods_must_be_stored_by_the_destination(api: Any, site: Any, goods: Any, reason: str) -> None:
    assert refused(api.post("/appointments", role="park_admin", json=hazmat_body(site, goods=goods))) == [reason]


def test_waybill_destination_and_plate_must_match(api: Any, site: Any) -> None:
    body = hazmat_body(site)
    body["waybill"] = {**body["waybill"], "destination_enterprise_id": "ent-elsewhere", "plate": plate()}
    reasons = refused(api.post("/appointments", role="park_admin", json=body))
    assert reasons == ["WAYBILL_DESTINATION_MISMATCH", "WAYBILL_PLATE_MISMATCH"]
    assert refused(api.post("/appointments", role="park_admin", json=hazmat_body(site, waybill=None))) == [
        "WAYBILL_REQUIRED"
    ]


def test_chlorine_by_name_or_cas_matches_the_inventory(api: Any, site: Any) -> None:
    for goods in (
        {"un_number": "UN1017", "name": "氯", "quantity_t": 20},
        {"un_number": "UN1017", "cas": "7782-50-5", "quantity_t": 1},
    ):
        r = api.post("/appointments", role="park_admin", json=hazmat_body(site, goods=[goods]))
        assert r.status_code == 201, r.json


def test_expired_and_too_long_are_refused(api: Any, site: Any) -> None:
    expired = person_body(site, valid_from=iso(-10), valid_to=iso(-2))
    assert refused(api.post("/appointments", role="park_admin", json=expired)) == ["EXPIRED"]
    long = person_body(site, valid_to=iso(72))
    assert refused(api.post("/appointments", role="park_admin", json=long)) == ["VALIDITY_TOO_LONG"]
    fixed = person_body(site, valid_to=iso(24 * 300), fixed=True)
    assert api.post("/appointments", role="park_admin", json=fixed).status_code == 201
    trip = hazmat_body(site, valid_to=iso(30))
    assert refused(api.post("/appointments", role="park_admin", json=trip)) == ["VALIDITY_TOO_LONG"]


def test_black_listed_visitor_driver_or_carrier_is_refused(api: Any, site: Any) -> None:
    who = id_number()
    r = api.post(
        "/access/lists", role="park_admin", json={"list": "black", "kind": "person", "value": who, "reason": "违规"}
    )
    assert r.status_code == 201, r.json
    assert refused(api.post("/appointments", role="park_admin", json=person_body(site, who))) == ["BLACK_LISTED"]
    body = hazmat_body(site)
    code = body["waybill"]["carrier_code"]
    api.post(
        "/access/lists",
        role="park_admin",
        json={"list": "black", "kind": "carrier", "value": code, "reason": "资质吊销"},
    )
    assert refused(api.post("/appointments", role="park_admin", json=body)) == ["BLACK_LISTED"]


def test_black_listing_after_creation_blocks_approval(api: Any, site: Any) -> None:
    who = id_number()
    apt = api.post("/appointments", role="park_admin", json=person_body(site, who)).json["id"]
    api.post(
        "/access/lists", role="park_admin", json={"list": "black", "kind": "person", "value": who, "reason": "冒用证件"}
    )
    r = api.post(f"/appointments/{apt}/approve", role="park_admin", json={})
    assert refused(r) == ["BLACK_LISTED"]


def test_controlled_zone_needs_an_escort_and_valid_certificates(api: Any, site: Any) -> None:
    body = person_body(site, zones=[site.zone])
    assert refused(api.post("/appointments", role="park_admin", json=body)) == ["ESCORT_REQUIRED"]
    body["escort"] = {"name": "王陪同", "phone": "13911112222"}
    assert api.post("/appointments", role="park_admin", json=body).status_code == 201
    lapsing = hazmat_body(site)
    lapsing["vehicle"]["certificates"][0]["expires_at"] = iso(2)  # lapses before the trip ends
    assert refused(api.post("/appointments", role="park_admin", json=lapsing)) == ["CERTIFICATE_EXPIRED"]


def test_enterprise_books_only_for_itself_and_sees_masked_numbers(api: Any, site: Any) -> None:
    host = site.park.enterprise_id
    other = api.post("/appointments", role="enterprise_manager", enterprise_id="ent-other", json=person_body(site))
    assert other.status_code == 403
    who = id_number()
    apt = approved(api, person_body(site, who))
    mine = api.get(f"/appointments/{apt['id']}", role="enterprise_manager", enterprise_id=host).json
    assert mine["visitor"]["id_number"] == who[:3] + "*" * 11 + who[-4:]
    assert mine["visitor"]["phone"] == "139****5678"
    duty = api.get(f"/appointments/{apt['id']}", role="duty_officer").json
    assert duty["visitor"]["id_number"] == who and duty["visitor"]["phone"] == "13912345678"
    assert mine["valid_to"].endswith("Z") or "+" in mine["valid_to"]
    listed = api.get(
        f"/appointments?enterprise_id={host}&state=approved", role="enterprise_manager", enterprise_id=host
    )
    assert apt["id"] in [a["id"] for a in listed.json["items"]]
