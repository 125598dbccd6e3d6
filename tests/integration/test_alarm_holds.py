"""Out of service and suppressed by design (issue 10, finding 13): an alarm open when its sensor goes out of
service is held (no escalation, no re-notification) and the first reading after the sensor's return decides;
an installation in maintenance suppresses its alarms and releases them the same way."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.alarms import service as alarms
from chalicelib.core import clock
from chalicelib.registry.schemas import InstallationIn, InventoryLineIn, SensorIn
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.settings_env import setenv_fixture  # noqa: F401 (fixture)
from tests.support import batch, make_park, message, now, sms_to

pytestmark = pytest.mark.usefixtures("module_stack")  # its sweeps read whole tables (tests/conftest.py)

TWO_HOURS_MS = 2 * 3600_000


@pytest.fixture(autouse=True)
def _registry_changes_seen_at_once(setenv):
    setenv("CHEMPARK_TAG_CONFIG_TTL_S", "0")  # the ingest re-checks the registry's generation every batch
    caches.reset_caches()
    yield
    caches.reset_caches()


def _put(api: Any, path: str, model: Any, **changes: Any) -> None:
    """Replace a registry entity with one field changed (PUT takes the input contract, not the view)."""
    doc = api.get(path, role="park_admin").json
    body = {k: v for k, v in doc.items() if k in model.model_fields}
    if "inventory" in body:
        lines = InventoryLineIn.model_fields
        body["inventory"] = [{k: v for k, v in i.items() if k in lines} for i in body["inventory"]]
    r = api.put(path, role="park_admin", json={**body, **changes})
    assert r.status_code == 200, r.json


def _raise_h(api: Any, park: Any) -> dict[str, Any]:
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 65.0)])))
    return _alarm(api, park)


def _alarm(api: Any, park: Any) -> dict[str, Any]:
    items = api.get(f"/alarms?tag_id={park.temp_tag}", role="park_admin").json["items"]
    assert len(items) == 1, items
    return api.get(f"/alarms/{items[0]['id']}", role="park_admin").json


def _types(detail: dict[str, Any]) -> list[str]:
    return [h["type"] for h in detail["history"]]


def _out_of_service(api: Any, park: Any) -> dict[str, Any]:
    alarm = _raise_h(api, park)["alarm"]
    assert alarm["state"] == "unack"
    _put(api, f"/sensors/{park.temp_tag}", SensorIn, status="out_of_service")
    alarms.sweep()
    detail = _alarm(api, park)
    assert detail["alarm"]["state"] == "out_of_service" and _types(detail)[-1] == "out_of_service"
    return detail


def test_the_sweep_neither_escalates_nor_renotifies_an_out_of_service_alarm(api):
    park = make_park(api)
    held = _out_of_service(api, park)
    texts = len(sms_to(park.manager_phone))
    result = telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 90.0)])))
    assert result.set_aside == 1  # an out-of-service sensor's readings are archived, not evaluated
    with clock.use(clock.FrozenClock(clock.now_ms() + TWO_HOURS_MS)) as frozen:
        alarms.sweep()
        frozen.advance(600)
        alarms.sweep()
    after = _alarm(api, park)
    assert after["alarm"]["state"] == "out_of_service"
    assert after["alarm"]["priority"] == held["alarm"]["priority"] == "medium"
    assert _types(after) == _types(held) == ["raised", "out_of_service"]
    assert len(sms_to(park.manager_phone)) == texts


def test_back_in_service_and_reading_normal_the_alarm_returns_to_normal(api):
    park = make_park(api)
    _out_of_service(api, park)
    _put(api, f"/sensors/{park.temp_tag}", SensorIn, status="in_service")
    alarms.sweep()
    assert _alarm(api, park)["alarm"]["state"] == "out_of_service"  # nothing read yet: still unknown
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 20.0)])))
    detail = _alarm(api, park)
    assert detail["alarm"]["state"] == "normal"
    assert _types(detail)[-3:] == ["returned_to_service", "cleared", "closed"]
    assert alarms.load_states([park.temp_tag])[park.temp_tag].alarms == {}


def test_back_in_service_and_still_abnormal_the_alarm_re_alarms(api):
    park = make_park(api)
    _out_of_service(api, park)
    texts = len(sms_to(park.manager_phone))
    _put(api, f"/sensors/{park.temp_tag}", SensorIn, status="in_service")
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 70.0)])))
    detail = _alarm(api, park)
    assert detail["alarm"]["state"] == "unack" and detail["alarm"]["value"] == 70.0
    assert _types(detail)[-2:] == ["returned_to_service", "reactivated"]
    assert len(sms_to(park.manager_phone)) == texts + 1  # annunciated again
    state = alarms.load_states([park.temp_tag])[park.temp_tag]
    assert not state.held and state.alarms == {"H": detail["alarm"]["id"]}


def test_an_installation_in_maintenance_suppresses_its_alarms_and_releases_them(api):
    park = make_park(api)
    alarm = _raise_h(api, park)["alarm"]
    _put(api, f"/installations/{park.installation_id}", InstallationIn, status="maintenance")
    alarms.sweep()
    assert _alarm(api, park)["alarm"]["state"] == "suppressed"
    with clock.use(clock.FrozenClock(clock.now_ms() + TWO_HOURS_MS)):
        alarms.sweep()
    assert _types(_alarm(api, park)) == ["raised", "suppressed"]  # no escalation, no re-notification
    _put(api, f"/installations/{park.installation_id}", InstallationIn, status="operating")
    alarms.sweep()
    detail = _alarm(api, park)
    assert detail["alarm"]["id"] == alarm["id"] and detail["alarm"]["state"] == "unack"
    assert _types(detail)[-2:] == ["unsuppressed", "reactivated"]
    # suppressed again, then back to normal while suppressed: it closes without acknowledgement
    _put(api, f"/installations/{park.installation_id}", InstallationIn, status="maintenance")
    alarms.sweep()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 20.0)])))
    detail = _alarm(api, park)
    assert detail["alarm"]["state"] == "normal" and _types(detail)[-2:] == ["cleared", "closed"]
    _put(api, f"/installations/{park.installation_id}", InstallationIn, status="operating")
