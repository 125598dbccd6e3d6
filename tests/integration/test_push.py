"""Mobile push (issue 14 item 5) over moto's SNS mobile push: devices under /me, preferences with the
evacuation rule and quiet hours, the app channel of warnings and patrol tasks, a token the platform rejects,
the push log and its tenancy. (Evacuation pushes: test_evacuation; published warnings: the workflow test.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from chalicelib.core import aws, catalog, clock
from chalicelib.core.settings import reset
from chalicelib.notify import mobile
from chalicelib.notify import service as notify
from chalicelib.notify.channels import PushNote, PushUnavailable
from chalicelib.notify.domain import Category
from chalicelib.patrol import service as patrol
from local import moto_patches
from tests.integration.danger_support import enterprise
from tests.integration.patrol_support import HOUR, Inspector, setup
from tests.integration.push_support import device, endpoint, logged, person, pushed, subject_of, token


def test_a_person_registers_lists_and_removes_their_own_devices(api: Any) -> None:
    me, other = person(api), person(api)
    value = token()
    first = device(api, me, value=value)
    assert first["status"] == "active" and first["token"] == value[:3] + "****" + value[-4:]
    datetime.fromisoformat(first["registered_at"]).utcoffset()  # ISO-8601 with its offset
    arn = endpoint(first["id"])
    assert arn.startswith("arn:aws:sns:") and "/GCM/chempark-test-push-fcm/" in arn
    again = api.post("/me/devices", token=me, json={"platform": "fcm", "token": value})
    assert (again.status_code, again.json["id"]) == (200, first["id"])  # the same token refreshes, no duplicate
    assert [d["id"] for d in api.get("/me/devices", token=me).json["items"]] == [first["id"]]
    assert api.get("/me/devices", token=other).json["items"] == []

    assert api.delete(f"/me/devices/{first['id']}", token=other).status_code == 404  # not theirs: no oracle
    assert api.delete(f"/me/devices/{first['id']}", token=me).status_code == 204
    assert api.get("/me/devices", token=me).json["items"] == []
    with pytest.raises(aws.client("sns").exceptions.NotFoundException):
        aws.client("sns").get_endpoint_attributes(EndpointArn=arn)  # its SNS endpoint went too
    assert api.delete(f"/me/devices/{first['id']}", token=me).status_code == 404


def test_a_token_handed_to_another_account_moves_with_the_phone(api: Any) -> None:
    before, after, value = person(api), person(api), token()
    dev = device(api, before, value=value)
    assert device(api, after, value=value)["id"] == dev["id"]
    assert api.get("/me/devices", token=before).json["items"] == []
    assert [d["id"] for d in api.get("/me/devices", token=after).json["items"]] == [dev["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "wechat", "token": "x" * 16}, "platform"),
        ({"platform": "fcm", "token": "short"}, "token"),
        ({"platform": "fcm", "token": "has spaces in it"}, "token"),
        ({"platform": "fcm"}, "token"),
    ],
)
def test_a_bad_registration_names_the_field(api: Any, body: dict[str, Any], field: str) -> None:
    r = api.post("/me/devices", token=person(api), json=body)
    assert r.status_code == 422, r.json
    assert f"body.{field}" in {e["field"] for e in r.json["details"]["errors"]}


def test_domestic_platforms_answer_not_configured_until_a_vendor_is(api: Any, monkeypatch: Any) -> None:
    r = api.post("/me/devices", token=person(api), json={"platform": "hms", "token": token()})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.platform", r.json
    assert "未开通" in r.json["details"]["errors"][0]["message"]
    with pytest.raises(PushUnavailable, match="no domestic push vendor configured"):
        mobile.VendorPush().send("x", "jpush", PushNote("t", "b", "warning"))
    monkeypatch.setenv("CHEMPARK_PUSH_VENDOR", "jpush")
    reset()
    try:
        with pytest.raises(PushUnavailable, match="'jpush' is selected but its adapter is not built"):
            mobile.VendorPush().register("jpush", token())
    finally:
        monkeypatch.delenv("CHEMPARK_PUSH_VENDOR")
        reset()


def test_preferences_default_store_and_refuse_to_silence_evacuation(api: Any) -> None:
    me = person(api, "duty_officer")
    got = api.get("/me/notification-preferences", token=me).json
    assert got["updated_at"] is None and got["categories"]["alarm_low"] == {"app": "off"}
    assert got["categories"]["evacuation"] == {"app": "alert"} and got["quiet_hours"] is None
    for mode in ("off", "silent"):
        r = api.put("/me/notification-preferences", token=me, json={"categories": {"evacuation": {"app": mode}}})
        assert r.status_code == 422, r.json
        assert r.json["details"]["errors"][0]["field"] == "body.categories.evacuation.app"
    r = api.put("/me/notification-preferences", token=me, json={"quiet_hours": {"start": "22:00", "end": "07:00"}})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.quiet_hours.start", r.json
    same = {"quiet_hours": {"start": "22:00+08:00", "end": "22:00+08:00"}}
    r = api.put("/me/notification-preferences", token=me, json=same)
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.quiet_hours.end", r.json
    body = {
        "categories": {"patrol_task": {"app": "silent"}, "alarm_medium": {"app": "alert"}},
        "quiet_hours": {"start": "22:00:00+08:00", "end": "07:00:00+08:00"},
    }
    r = api.put("/me/notification-preferences", token=me, json=body)
    assert r.status_code == 200, r.json
    stored = api.get("/me/notification-preferences", token=me).json
    assert (
        stored["categories"]["patrol_task"] == {"app": "silent"} and stored["categories"]["warning"]["app"] == "alert"
    )
    assert stored["quiet_hours"] == {"start": "22:00:00+08:00", "end": "07:00:00+08:00"}
    assert datetime.fromisoformat(stored["updated_at"]).utcoffset() is not None
    assert api.get("/me/notification-preferences", token=person(api)).json["updated_at"] is None  # mine only


def test_the_warning_app_channel_pushes_the_audience_by_their_preferences(api: Any) -> None:
    eid, other = enterprise(api), enterprise(api)
    loud, quiet, off = (person(api, "enterprise_manager", eid) for _ in range(3))
    outsider = person(api, "enterprise_manager", other)
    devs = {name: device(api, tok)["id"] for name, tok in (("loud", loud), ("quiet", quiet), ("off", off))}
    devs["outsider"] = device(api, outsider)["id"]
    night = {"start": "00:00+08:00", "end": "23:59+08:00"}  # all day but 23:59: the push is sent at noon
    noon = datetime.now(UTC).astimezone(timezone(timedelta(hours=8))).replace(hour=12, minute=0, second=0)
    assert api.put("/me/notification-preferences", token=quiet, json={"quiet_hours": night}).status_code == 200
    assert (
        api.put("/me/notification-preferences", token=off, json={"categories": {"warning": {"app": "off"}}}).status_code
        == 200
    )

    wid = f"wrn_push_{eid}"
    doc = {"enterprise_id": eid, "verification": {"level": "orange"}}
    with clock.use(clock.FrozenClock(clock.to_ms(noon))):  # it failed when run in the window's last minute
        result = notify.publish("app", "enterprise", "【橙色预警】罐区泄漏", wid, doc)
    assert result.ok and result.pushes is not None and result.pushes.devices == 3 and result.ref == "2/3 pushed", result
    (loud_note,) = pushed(devs["loud"])
    assert loud_note["notification"]["body"] == "【橙色预警】罐区泄漏"
    assert loud_note["android"]["priority"] == "HIGH" and loud_note["android"]["notification"]["sound"] == "default"
    assert loud_note["data"]["warning_id"] == wid and loud_note["android"]["notification"]["channel_id"] == (
        "chempark.warning"
    )
    (quiet_note,) = pushed(devs["quiet"])  # quiet hours: delivered, without sound
    assert quiet_note["android"]["priority"] == "NORMAL" and "sound" not in quiet_note["android"]["notification"]
    assert pushed(devs["off"]) == [] and pushed(devs["outsider"]) == []
    log = logged(f"{wid}:enterprise")
    assert set(log) == {devs["loud"], devs["quiet"]}
    assert (log[devs["quiet"]].mode, log[devs["quiet"]].status) == ("silent", "sent")

    again = notify.publish("app", "enterprise", "【橙色预警】罐区泄漏", wid, doc)  # a retried publication
    assert again.pushes is not None and again.pushes.already == 2 and len(pushed(devs["loud"])) == 1

    red = notify.publish("app", "enterprise", "【红色预警】", f"{wid}-red", {**doc, "verification": {"level": "red"}})
    assert red.pushes is not None and red.pushes.sent == 2
    assert pushed(devs["quiet"])[-1]["android"]["priority"] == "HIGH"  # a red warning is heard in quiet hours


def test_a_token_the_platform_rejects_is_disabled_and_never_used_again(api: Any) -> None:
    eid = enterprise(api)
    me, value = person(api, "enterprise_manager", eid), token()
    dev = device(api, me, value=value)
    sns = aws.client("sns")
    # What SNS does when FCM answers UNREGISTERED (the app was uninstalled): the endpoint is disabled.
    sns.set_endpoint_attributes(EndpointArn=endpoint(dev["id"]), Attributes={"Enabled": "false"})

    first = notify.to_audience("rej-1", "enterprise", Category.WARNING, "预警", "第一次", eid)
    assert (first["devices"], first["rejected"], first["sent"]) == (1, 1, 0), first
    assert logged("rej-1")[dev["id"]].status == "rejected"
    (listed,) = api.get("/me/devices", token=me).json["items"]
    assert listed["status"] == "disabled" and listed["disabled_reason"] == "rejected_by_platform"
    assert datetime.fromisoformat(listed["disabled_at"]).utcoffset() is not None

    later = notify.to_audience("rej-2", "enterprise", Category.WARNING, "预警", "第二次", eid)
    assert later["devices"] == 0 and logged("rej-2") == {}  # the disabled device is not tried again
    assert moto_patches.pushed(endpoint(dev["id"])) == []
    r = api.post("/me/devices", token=me, json={"platform": "fcm", "token": value})
    assert r.status_code == 422 and r.json["details"]["errors"][0]["field"] == "body.token", r.json
    fresh = device(api, me)  # the app fetches a new token: that one works
    assert notify.to_audience("rej-3", "enterprise", Category.WARNING, "预警", "第三次", eid)["sent"] == 1
    assert len(pushed(fresh["id"])) == 1


def test_the_push_log_is_scoped_masked_and_audited_like_the_sms_log(api: Any) -> None:
    eid, other = enterprise(api), enterprise(api)
    me, value = person(api, "enterprise_manager", eid), token()
    dev = device(api, me, value=value)
    since = clock.now()
    notify.to_people(f"log-{eid}", [subject_of(api, me)], Category.PATROL_TASK, "巡检任务", "请巡检", eid)
    q = f"/notifications/push?from={since.isoformat().replace('+', '%2B')}"
    r = api.get(f"{q}&enterprise_id={eid}", role="enterprise_manager", enterprise_id=eid)
    assert r.status_code == 200, r.json
    (entry,) = [e for e in r.json["items"] if e["ref"] == f"log-{eid}"]
    assert entry["device_id"] == dev["id"] and entry["token"] == value[:3] + "****" + value[-4:]
    assert value not in str(r.json) and entry["kind"] == "patrol_task" and entry["status"] == "sent"
    assert datetime.fromisoformat(entry["at"]) >= since.astimezone(UTC).replace(microsecond=0)
    assert api.get(q, role="auditor").status_code == 200
    refused = api.get(f"{q}&enterprise_id={eid}", role="enterprise_manager", enterprise_id=other)
    assert refused.status_code == 403
    assert api.get("/notifications/push", role="inspector").status_code == 403
    bad = api.get("/notifications/push?from=1700000000000", role="auditor")
    assert bad.status_code == 422 and bad.json["details"]["errors"][0]["field"] == "query.from", bad.json


def test_pushes_about_one_enterprise_never_reach_another_enterprises_account(api: Any) -> None:
    eid, other = enterprise(api), enterprise(api)
    stranger = person(api, "inspector", other)
    dev = device(api, stranger)
    counts = notify.to_people("x-tenant", [subject_of(api, stranger)], Category.PATROL_TASK, "t", "b", eid)
    assert counts["devices"] == 0 and pushed(dev["id"]) == []


def test_a_dispatched_patrol_task_is_pushed_to_its_team_once(api: Any) -> None:
    eid = enterprise(api)
    subject = f"u-pp-{eid[-12:]}"
    start = (clock.now_ms() // 60_000) * 60_000 + 2 * HOUR
    world = setup(api, eid, subject, start)
    dev = device(api, Inspector(api, subject, eid).token)
    with clock.use(clock.FrozenClock(start - HOUR // 2)):
        assert patrol.sweep()["dispatched"] >= 1
        patrol.sweep()  # a rerun dispatches, and pushes, nothing twice
    task_id = f"{world['plan']['id']}.0"
    (note,) = pushed(dev["id"])
    assert (
        note["data"]["task_id"] == task_id and note["android"]["notification"]["channel_id"] == "chempark.patrol_task"
    )
    assert (
        note["notification"]["body"].startswith("【巡检任务】液氯罐区日常巡检")
        and task_id in note["notification"]["body"]
    )


def test_the_runtime_derives_the_application_arns_the_stack_provisioned(stack: Any) -> None:
    provisioned = {
        a["PlatformApplicationArn"] for a in aws.client("sns").list_platform_applications()["PlatformApplications"]
    }
    assert {catalog.push_app_arn(p) for p in catalog.PUSH_APPS} <= provisioned
