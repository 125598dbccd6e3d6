"""Risk notices (风险提示, 5.1.2-3): the park issues one to an enterprise, its managers are texted, the
enterprise acknowledges and closes it with a response; refusals with their codes; the park's unacknowledged and
overdue views (simulated time); tenant-scoped lists with signed cursors; failed texts sent again."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.core import clock
from chalicelib.notify import channels
from chalicelib.risk import service as risk
from tests.support import make_park, sms_to

HOUR = 3600


def body(eid: str, **over):
    return {
        "enterprise_id": eid,
        "title": "液氯储罐区连续高报",
        "content": "请排查泄漏源并加强巡检",
        "level": "orange",
        **over,
    }


def in_hours(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def issue(api, eid, **over):
    r = api.post("/risk-notices", role="duty_officer", json=body(eid, **over))
    assert r.status_code == 201, r.json
    return r.json


def test_issue_text_acknowledge_and_close(api):
    park = make_park(api)
    eid = park.enterprise_id
    before = len(sms_to(park.manager_phone))
    notice = issue(api, eid, due=in_hours(24))
    assert (notice["state"], notice["level"], notice["label"], notice["overdue"]) == (
        "issued",
        "orange",
        "橙色（较大风险）",
        False,
    )
    texts = sms_to(park.manager_phone)[before:]
    assert len(texts) == 1 and "【园区风险提示】" in texts[0] and "液氯储罐区连续高报" in texts[0]
    assert notice["id"] in texts[0] and "请于" in texts[0]
    assert notice["sms"] == [
        {"name": "企业安全员", "phone": park.manager_phone[:3] + "****" + park.manager_phone[-4:], "status": "sent"}
    ]

    manager = {"role": "enterprise_manager", "enterprise_id": eid}
    early = api.post(f"/risk-notices/{notice['id']}/close", json={"response": "已处置"}, **manager)
    assert (early.status_code, early.json["code"], early.json["details"]["state"]) == (
        409,
        "RISK_NOTICE_WRONG_STATE",
        "issued",
    )
    acked = api.post(f"/risk-notices/{notice['id']}/ack", json={"comment": "已收到"}, **manager)
    assert (acked.status_code, acked.json["state"]) == (200, "acknowledged"), acked.json
    assert acked.json["ack"]["comment"] == "已收到" and acked.json["acked_at"] is not None
    again = api.post(f"/risk-notices/{notice['id']}/ack", json={}, **manager)
    assert (again.status_code, again.json["code"]) == (409, "RISK_NOTICE_WRONG_STATE")
    closed = api.post(f"/risk-notices/{notice['id']}/close", json={"response": "已更换法兰垫片，复测无泄漏"}, **manager)
    assert (closed.status_code, closed.json["state"]) == (200, "closed")
    assert closed.json["response"]["text"] == "已更换法兰垫片，复测无泄漏"
    detail = api.get(f"/risk-notices/{notice['id']}", role="park_admin").json
    assert [h["action"] for h in detail["history"]] == ["issued", "acknowledged", "closed"]
    for action in ("risk.issue_notice", "risk.acknowledge_notice", "risk.close_notice"):
        found = api.get(f"/audit/records?action={action}&target={notice['id']}", role="auditor").json["items"]
        assert found, action
    assert len(sms_to(park.manager_phone)) == before + 1  # nothing texted twice


def test_refusals_name_the_field_and_the_role(api):
    eid = make_park(api).enterprise_id
    for over, field in (
        ({"due": in_hours(-1)}, "body.due"),
        ({"due": "9999-12-31T23:59:59-12:00"}, "body.due"),
        ({"level": "purple"}, "body.level"),
        ({"title": ""}, "body.title"),
        ({"enterprise_id": ""}, "body.enterprise_id"),
    ):
        r = api.post("/risk-notices", role="park_admin", json=body(eid, **over))
        assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, field), (over, r.json)
    r = api.post("/risk-notices", role="enterprise_manager", enterprise_id=eid, json=body(eid))
    assert r.status_code == 403  # the park issues notices, not the enterprise
    notice = issue(api, eid)
    r = api.post(f"/risk-notices/{notice['id']}/ack", role="park_admin", json={})
    assert r.status_code == 403  # the enterprise acknowledges, the park does not do it for it
    r = api.post(f"/risk-notices/{notice['id']}/close", role="enterprise_manager", enterprise_id=eid, json={})
    assert (r.status_code, r.json["details"]["errors"][0]["field"]) == (422, "body.response")
    assert api.post("/risk-notices", role="park_admin", json=body("ent_missing")).status_code == 404


def test_the_park_sees_what_is_unacknowledged_and_overdue(api):
    eid = make_park(api).enterprise_id
    late = issue(api, eid, due=in_hours(1))
    later = issue(api, eid, due=in_hours(48))
    done = issue(api, eid, due=in_hours(1))
    manager = {"role": "enterprise_manager", "enterprise_id": eid}
    api.post(f"/risk-notices/{done['id']}/ack", json={}, **manager)
    api.post(f"/risk-notices/{done['id']}/close", json={"response": "已处置"}, **manager)

    def ids(query):
        r = api.get(f"/risk-notices?enterprise_id={eid}&{query}", role="park_admin")
        assert r.status_code == 200, r.json
        return {i["id"]: i["overdue"] for i in r.json["items"]}

    assert set(ids("unacknowledged=true")) == {late["id"], later["id"]}
    assert set(ids("unacknowledged=false")) == {done["id"]}
    assert ids("overdue=true") == {}
    with clock.use(clock.FrozenClock(clock.now_ms() + 2 * HOUR * 1000)):
        assert ids("overdue=true") == {late["id"]: True}  # the closed one is not overdue, however late
        assert set(ids("overdue=false")) == {later["id"], done["id"]}
        assert set(ids("state=closed")) == {done["id"]}
        assert api.get(f"/risk-notices/{late['id']}", role="park_admin").json["overdue"] is True


def test_notices_are_tenant_scoped_with_signed_cursors(api):
    a, b = make_park(api).enterprise_id, make_park(api).enterprise_id
    mine = [issue(api, a)["id"] for _ in range(3)]
    theirs = issue(api, b)["id"]
    as_a = {"role": "enterprise_manager", "enterprise_id": a}
    first = api.get("/risk-notices?limit=2", **as_a).json
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = api.get(f"/risk-notices?limit=2&cursor={first['next_cursor']}", **as_a).json
    seen = [i["id"] for i in first["items"] + second["items"]]
    assert sorted(seen) == sorted(mine) and theirs not in seen
    forged = first["next_cursor"][:-2] + ("AA" if not first["next_cursor"].endswith("AA") else "BB")
    r = api.get(f"/risk-notices?limit=2&cursor={forged}", **as_a)
    assert (r.status_code, r.json["code"]) == (400, "INVALID_CURSOR")
    r = api.get(f"/risk-notices?enterprise_id={b}", **as_a)
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")
    assert api.get(f"/risk-notices/{theirs}", **as_a).status_code == 404
    assert api.post(f"/risk-notices/{theirs}/ack", json={}, **as_a).status_code == 404
    assert api.get(f"/risk-notices/{theirs}", role="park_admin").json["state"] == "issued"  # unchanged


class Down:
    def send(self, phone: str, text: str) -> str:
        raise ConnectionError("sms gateway down")


def test_a_failed_text_is_kept_and_sent_again_by_the_sweep(api):
    park = make_park(api)
    before = len(sms_to(park.manager_phone))
    working = channels.sms()
    channels.use_sms(Down())
    try:
        notice = issue(api, park.enterprise_id)  # the notice stands although the text failed
    finally:
        channels.use_sms(working)
    assert [s["status"] for s in notice["sms"]] == ["failed"]
    assert risk.resend() >= 1
    assert len(sms_to(park.manager_phone)) == before + 1
    assert [s["status"] for s in api.get(f"/risk-notices/{notice['id']}", role="park_admin").json["sms"]] == ["sent"]
    risk.resend()  # nothing of this notice is left to send
    assert len(sms_to(park.manager_phone)) == before + 1
