"""Work permits and the rest of the park: a gas alarm raised through the real ingest path suspends the active
permits near it (and the one its detector monitors) and texts their guardians; expiry; the typed read the risk
profile will use; retention (GB 30871-2022 B.3: tickets kept ≥ 1 year)."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute

from chalicelib.core import clock
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from chalicelib.workpermits import service as permits
from chalicelib.workpermits import store
from tests.integration.work_permit_support import Staff, application, methane, spot
from tests.support import batch, make_park, message, now, sms_to


def test_a_gas_alarm_suspends_active_work_nearby_and_texts_the_guardian(api):
    park = make_park(api)  # chlorine detector at 31.9512, 120.9052 (H 1 ppm, HH 2 ppm)
    staff = Staff(api, park.enterprise_id)
    guardian = {"name": "赵监护", "phone": "13977770001"}  # 139777700nn: texted by no other test (sms_to is per stack)
    near = staff.approved_and_started(  # ≈ 15 m from the detector
        application(park.enterprise_id, "hot_work", (31.9513, 120.9053), level="level_2", guardian=guardian)
    )
    far = staff.approved_and_started(application(park.enterprise_id, "work_at_height", spot(), height_m=3))
    idle = staff.apply(application(park.enterprise_id, "hot_work", (31.9512, 120.9052), level="level_2"))
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.0)])))

    got = staff.call("GET", f"/work-permits/{near['id']}", "enterprise_manager").json
    suspension = got["permit"]["suspension"]
    assert got["permit"]["state"] == "suspended" and suspension["by_gas_alarm"] is True
    assert suspension["alarm"]["tag_id"] == park.tag and suspension["alarm"]["distance_m"] < 20
    assert got["events"][-1]["actor"] == "system" and got["events"][-1]["action"] == "suspend"
    texts = sms_to(guardian["phone"])
    assert len(texts) == 1 and "特殊作业暂停" in texts[0] and near["id"] in texts[0]
    assert staff.call("GET", f"/work-permits/{far['id']}", "enterprise_manager").json["permit"]["state"] == "active"
    assert staff.call("GET", f"/work-permits/{idle['id']}", "enterprise_manager").json["permit"]["state"] == "draft"
    audited = api.get(f"/audit/records?target={near['id']}&action=workpermits.suspend_by_alarm", role="auditor")
    assert [a["actor"] for a in audited.json["items"]] == ["system"]

    # the alarm staying active raises nothing new: no second suspension, no second text
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.5)])))
    assert len(sms_to(guardian["phone"])) == 1
    # after a gas alarm the work resumes only on a fresh passing analysis, however short the break
    r = staff.act(near["id"], "resume")
    assert (r.status_code, r.json["code"]) == (409, "GAS_ANALYSIS_REQUIRED")
    staff.act(near["id"], "gas-analyses", json=methane(0.1, sampled_min_ago=0))
    assert staff.act(near["id"], "resume").json["state"] == "active"
    staff.act(near["id"], "close", json={})  # leave no live work where other tests raise alarms


def test_special_hot_work_is_suspended_by_its_monitor_wherever_the_detector_stands(api):
    park = make_park(api)
    staff = Staff(api, park.enterprise_id)
    body = application(park.enterprise_id, "hot_work", spot(), level="special", monitor_sensor_id=park.tag)
    permit = staff.approved_and_started(body)  # kilometres from the detector, but monitored by it
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.0)])))
    got = staff.call("GET", f"/work-permits/{permit['id']}", "enterprise_manager").json["permit"]
    assert got["state"] == "suspended" and got["suspension"]["alarm"]["distance_m"] > 1000


def test_a_temperature_alarm_suspends_nothing(api):
    park = make_park(api)
    staff = Staff(api, park.enterprise_id)
    permit = staff.approved_and_started(
        application(park.enterprise_id, "hot_work", (31.9512, 120.9052), level="level_2")
    )
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.temp_tag, now(), 90.0)])))
    assert api.get(f"/alarms?tag_id={park.temp_tag}", role="park_admin").json["items"]
    got = staff.call("GET", f"/work-permits/{permit['id']}", "enterprise_manager").json["permit"]
    assert got["state"] == "active"
    staff.act(permit["id"], "close", json={})


def test_expired_permits_are_closed_or_cancelled_by_the_sweep_and_active_work_is_read_by_type(api):
    park = make_park(api)
    staff = Staff(api, park.enterprise_id)
    live = staff.approved_and_started(application(park.enterprise_id, "hot_work", spot(), 1, level="level_2"))
    lifting = staff.approved_and_started(application(park.enterprise_id, "lifting", spot(), 2, load_t=20))
    approved = staff.apply(application(park.enterprise_id, "work_at_height", spot(), 1, height_m=3))
    assert staff.act(approved["id"], "approve", "unit_supervisor", {}, who="u1").json["state"] == "approved"
    work = permits.active_work(park.enterprise_id)
    assert work.by_type() == {"hot_work": 1, "lifting": 1} and {p.id for p in work.permits} == {
        live["id"],
        lifting["id"],
    }
    with clock.use(clock.FrozenClock(clock.now_ms() + 61 * 60_000)):  # the 1 h tickets have run out
        permits.sweep_expired()
    state = {
        p: staff.call("GET", f"/work-permits/{p}", "enterprise_manager").json["permit"]["state"]
        for p in (live["id"], approved["id"], lifting["id"])
    }
    assert state == {live["id"]: "closed", approved["id"]: "cancelled", lifting["id"]: "active"}
    assert permits.active_work(park.enterprise_id).by_type() == {"lifting": 1}
    audited = api.get(f"/audit/records?target={live['id']}&action=workpermits.expire_close", role="auditor")
    assert len(audited.json["items"]) == 1


def test_permits_are_kept_at_least_a_year_no_ttl_and_append_only_trails():
    for model in (store.PermitModel, store.PermitEventModel, store.GasAnalysisModel):
        assert not any(isinstance(a, TTLAttribute) for a in model.get_attributes().values()), model
    assert store.PermitEventModel.Meta.append_only and store.GasAnalysisModel.Meta.append_only


def test_confined_space_work_is_re_measured_every_2_hours_or_its_guardian_is_reminded(api):
    park = make_park(api)
    staff = Staff(api, park.enterprise_id)
    guardian = {"name": "钱监护", "phone": "13977770002"}
    with clock.use(clock.FrozenClock(clock.now_ms())) as frozen:
        body = application(park.enterprise_id, "confined_space", spot(), 24, guardian=guardian)
        permit = staff.approved_and_started(body)  # its analysis was sampled 5 min before the start
        frozen.advance(115 * 60)
        permits.remind_monitoring()
        assert sms_to(guardian["phone"]) == []
        frozen.advance(60 + 1)  # 2 h and 1 s after the sample
        permits.remind_monitoring()
        permits.remind_monitoring()  # once per overdue period
        texts = sms_to(guardian["phone"])
        assert len(texts) == 1 and "受限空间监测提醒" in texts[0] and permit["id"] in texts[0]
        staff.act(permit["id"], "gas-analyses", json=methane(0.1, sampled_min_ago=0))
        frozen.advance(121 * 60)
        permits.remind_monitoring()
        assert len(sms_to(guardian["phone"])) == 2
    trail = staff.call("GET", f"/work-permits/{permit['id']}", "enterprise_manager").json["events"]
    assert [e["action"] for e in trail].count("monitoring_overdue") == 2
    staff.act(permit["id"], "close", json={})
