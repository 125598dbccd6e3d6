"""Client-chosen ids are no oracle across tenants and cannot be squatted (issue 10, finding 8): an enterprise
user chooses ids only in its enterprise's namespace (`<enterprise_id>-...`), so an id of another enterprise gets
the same answer as any id outside the namespace, taken or not; and a tag registered to one enterprise never
captures readings another enterprise's gateway sends under that id (docs/device-identity.md)."""

from __future__ import annotations

from typing import Any

from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import batch, make_park, message, now


def _sensor(park: Any, sensor_id: str, enterprise_id: str) -> dict[str, Any]:
    return {
        "id": sensor_id,
        "enterprise_id": enterprise_id,
        "installation_id": park.installation_id,
        "gateway_id": park.gateway,
        "name": "温度",
        "kind": "temperature",
        "unit": "℃",
        "location": {"lat": 31.95, "lon": 120.9},
        "limits": {"h": 60, "hh": 80},
    }


def _shape(reply: Any) -> tuple[int, str, str, Any]:
    return reply.status_code, reply.json["code"], reply.json["message"], reply.json["details"]


def test_another_enterprises_id_answers_as_any_id_outside_the_callers_namespace(api: Any) -> None:
    a, b = make_park(api), make_park(api)
    manager = {"role": "enterprise_manager", "enterprise_id": a.enterprise_id}
    taken = api.post("/sensors", json=_sensor(a, b.temp_tag, a.enterprise_id), **manager)
    free = api.post("/sensors", json=_sensor(a, f"{b.enterprise_id}-NEVER-1", a.enterprise_id), **manager)
    assert taken.status_code == 422 and taken.json["details"]["errors"][0]["field"] == "body.id"
    assert _shape(taken)[:2] == _shape(free)[:2]
    assert taken.json["details"]["errors"][0]["message"] == free.json["details"]["errors"][0]["message"]
    squat = api.post(
        "/gateways", json={"id": f"gw-{b.enterprise_id}-2", "enterprise_id": a.enterprise_id, "name": "网关"}, **manager
    )
    assert squat.status_code == 422 and squat.json["code"] == taken.json["code"]
    own = api.post("/sensors", json=_sensor(a, f"{a.enterprise_id}-TI-9", a.enterprise_id), **manager)
    assert own.status_code == 201, own.json
    again = api.post("/sensors", json=_sensor(a, f"{a.enterprise_id}-TI-9", a.enterprise_id), **manager)
    assert again.status_code == 409  # its own id: nothing another tenant owns is revealed
    assert api.post("/sensors", role="park_admin", json=_sensor(a, "PARK-CHOSEN-1", a.enterprise_id)).status_code == 201


def test_a_tag_id_registered_to_one_enterprise_never_captures_anothers_readings(api: Any) -> None:
    a, b = make_park(api), make_park(api)
    caches.reset_caches()
    # B's gateway sends A's tag id (a squatted or clashing id) on B's own topic: not evaluated as A's tag
    result = telemetry.ingest(batch(message(b.enterprise_id, [(a.tag, now(), 9.0)])))
    assert (result.evaluated, result.quarantined) == (0, 1)
    assert api.get(f"/alarms?tag_id={a.tag}", role="park_admin").json["items"] == []
