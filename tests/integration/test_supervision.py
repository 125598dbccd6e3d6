"""督办 (5.1.2-3): major criteria make a danger major and open a supervision order at once; an overdue danger
gets one from the sweep; both notify the liable person and the park safety department; an unanswered order
goes up to the park (simulated time); acceptance closes it; the enterprise's risk follows; major dangers are
queued for the regulator exchange."""

from __future__ import annotations

from unittest import mock

from chalicelib.core import clock
from chalicelib.dangers import ports
from chalicelib.dangers import service as dangers
from chalicelib.registry import service as registry
from tests.integration.danger_support import Person, danger, enterprise, full_plan, in_hours
from tests.support import ms_of, sms_to

PARK_SAFETY = registry.Contact(name="园区安全处", phone="13911112222")
HOUR = 3600


def _park_safety():
    return mock.patch.object(registry, "park_contacts", lambda: [PARK_SAFETY])


def _orders(api, eid):
    return api.get(f"/supervision-orders?enterprise_id={eid}", role="park_admin").json["items"]


def _risk(api, eid):
    return api.get(f"/risk/enterprises/{eid}", role="park_admin").json


def test_major_criteria_make_a_major_danger_supervised_reported_and_accepted_by_the_park(api):
    eid = enterprise(api)
    body = danger(eid, level="general", major_criteria=[12, 5])
    before = len(sms_to(PARK_SAFETY.phone))
    with _park_safety():
        r = api.post("/hidden-dangers", role="inspector", json=body)
    assert r.status_code == 201, r.json
    hd = r.json
    assert hd["level"] == "major" and hd["proposed_level"] == "general"
    assert [reason.split("：")[0] for reason in hd["level_reasons"]] == ["121号第5项", "121号第12项"]
    (order,) = _orders(api, eid)
    assert (order["reason"], order["state"], order["escalated"]) == ("major", "open", False)
    assert order["danger_id"] == hd["id"]
    texts = sms_to(body["liable_person"]["phone"])
    assert len(texts) == 1 and "重大隐患挂牌督办" in texts[0] and hd["id"] in texts[0]
    assert len(sms_to(PARK_SAFETY.phone)) == before + 1
    risk = _risk(api, eid)
    assert risk["level"] == "orange" and "1项重大隐患未销号" in risk["reasons"]

    (message,) = api.get(f"/hidden-dangers/{hd['id']}/regulator-messages", role="park_admin").json["items"]
    record = message["record"]
    assert (message["dataset"], message["status"]) == ("sec_hidden_danger_info", "queued")
    assert (record["dangerLevel"], record["dangerSrc"], record["hazardDangerType"]) == (1, 1, 3)
    assert (record["dangerManageType"], record["dangerState"], record["companyCode"]) == (1, 0, eid)
    assert len(record["dangerManageDeadline"]) == 19  # yyyy-MM-dd HH:mm:ss, park local time

    manager = Person(api, "enterprise_manager", eid, "mgr-major")
    r = manager.post(
        f"/hidden-dangers/{hd['id']}/plan", {"measures": "增设探测器", "responsible": "王工", "deadline": in_hours(24)}
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json["details"]["errors"]} == {
        f"body.{f}" for f in ("goal", "cost", "funds", "organisation", "safety_measures")
    }
    assert manager.post(f"/hidden-dangers/{hd['id']}/plan", full_plan()).json["state"] == "rectifying"
    assert manager.post(f"/hidden-dangers/{hd['id']}/submit", {"summary": "已增设并联调"}).status_code == 200
    r = Person(api, "enterprise_manager", eid, "mgr-second").post(
        f"/hidden-dangers/{hd['id']}/accept", {"comment": "合格"}
    )
    assert (r.status_code, r.json["code"]) == (403, "DANGER_MAJOR_ACCEPTANCE_BY_PARK")
    r = api.post(
        f"/supervision-orders/{order['id']}/respond",
        role="enterprise_manager",
        enterprise_id=eid,
        json={"progress": "已完成，待验收"},
    )
    assert (r.status_code, r.json["state"]) == (200, "responded")
    r = Person(api, "park_admin", None, "park-acceptor").post(
        f"/hidden-dangers/{hd['id']}/accept", {"comment": "现场验收合格"}
    )
    assert (r.status_code, r.json["state"]) == (200, "accepted")
    (order,) = _orders(api, eid)
    assert order["state"] == "closed" and order["closed_at"] is not None
    assert order["responses"][0]["progress"] == "已完成，待验收"
    r = api.post(f"/supervision-orders/{order['id']}/respond", role="park_admin", json={"progress": "再次反馈"})
    assert (r.status_code, r.json["code"]) == (409, "SUPERVISION_ORDER_CLOSED")
    messages = api.get(f"/hidden-dangers/{hd['id']}/regulator-messages", role="park_admin").json["items"]
    assert [m["record"]["dangerState"] for m in messages] == [0, 1, 9]  # 整改中, 待验收, 已验收
    assert _risk(api, eid)["level"] == "blue"


def test_overdue_danger_is_supervised_then_escalated_to_the_park_when_unanswered(api):
    eid = enterprise(api)
    late = api.post("/hidden-dangers", role="park_admin", json=danger(eid, deadline=in_hours(1))).json
    answered = api.post("/hidden-dangers", role="park_admin", json=danger(eid, deadline=in_hours(1))).json
    on_time = api.post("/hidden-dangers", role="park_admin", json=danger(eid, deadline=in_hours(48))).json
    assert _orders(api, eid) == []
    frozen = clock.FrozenClock(clock.now_ms() + 2 * HOUR * 1000)
    with clock.use(frozen), _park_safety():
        dangers.sweep()
        dangers.sweep()  # a rerun issues nothing twice
    overdue = api.get(f"/hidden-dangers?enterprise_id={eid}&overdue=true", role="park_admin").json["items"]
    assert {d["id"] for d in overdue} == {late["id"], answered["id"]}
    orders = {o["danger_id"]: o for o in _orders(api, eid)}
    assert set(orders) == {late["id"], answered["id"]} and {o["reason"] for o in orders.values()} == {"overdue"}
    assert on_time["id"] not in orders
    assert len(sms_to(late["liable_person"]["phone"])) == 1 and "逾期" in sms_to(late["liable_person"]["phone"])[0]
    assert _risk(api, eid)["level"] == "yellow"
    r = api.post(
        f"/supervision-orders/{orders[answered['id']]['id']}/respond",
        role="enterprise_manager",
        enterprise_id=eid,
        json={"progress": "材料已采购，明日完成"},
    )
    assert r.status_code == 200

    frozen.advance(3 * 86400 - 60)  # just inside the response window: nothing goes up
    with clock.use(frozen):
        dangers.sweep()
    assert not any(o["escalated"] for o in _orders(api, eid))
    frozen.advance(120)
    leader = registry.Contact(name="分管领导", phone="13922223333")
    with clock.use(frozen), mock.patch.object(registry, "park_contacts", lambda: [leader]):
        dangers.sweep()
        frozen.advance(60)
        dangers.sweep()  # once per order: the second run leaves it as it was
    frozen.advance(-60)
    escalated = api.get(f"/supervision-orders?enterprise_id={eid}&escalated=true", role="park_admin").json["items"]
    assert [o["danger_id"] for o in escalated] == [late["id"]]
    assert escalated[0]["state"] == "open" and ms_of(escalated[0]["escalated_at"]) == frozen.now_ms()
    assert len([t for t in sms_to("13922223333") if late["id"] in t and "督办升级" in t]) == 1
    history = api.get(f"/hidden-dangers/{late['id']}", role="park_admin").json["history"]
    actions = [h["action"] for h in history]  # the overdue flag and its order share one (frozen) millisecond
    assert actions[0] == "registered" and set(actions[1:3]) == {"overdue", "supervision_issued"}
    assert actions[3:] == ["supervision_escalated"]
    risk = _risk(api, eid)
    assert risk["level"] == "yellow" and any("督办单逾期未反馈" in r for r in risk["reasons"])
    for action, target in (
        ("dangers.overdue", late["id"]),
        ("dangers.supervision_issued", escalated[0]["id"]),
        ("dangers.supervision_escalated", escalated[0]["id"]),
        ("dangers.respond", orders[answered["id"]]["id"]),
    ):  # the sweep's changes are audited as the system's, the routes' as their callers'
        found = api.get(f"/audit/records?action={action}&target={target}", role="auditor").json["items"]
        assert len(found) == 1 and found[0]["actor"] == ("user-enterprise_manager" if "respond" in action else "system")
    r = api.get(f"/supervision-orders?enterprise_id={eid}", role="enterprise_manager", enterprise_id=enterprise(api))
    assert (r.status_code, r.json["code"]) == (403, "ENTERPRISE_SCOPE")


def test_a_failed_regulator_exchange_never_fails_the_step_and_the_sweep_repairs_it(api):
    eid = enterprise(api)

    def unavailable(*_):
        raise ConnectionError("exchange down")

    with mock.patch.object(ports.PORTS, "exchange", unavailable):
        r = api.post("/hidden-dangers", role="park_admin", json=danger(eid, major_criteria=[3]))
    assert (r.status_code, r.json["level"]) == (201, "major")
    hd = r.json
    assert [o["reason"] for o in _orders(api, eid)] == ["major"]  # the order did not wait for the exchange
    assert api.get(f"/hidden-dangers/{hd['id']}/regulator-messages", role="park_admin").json["items"] == []
    dangers.sweep()
    dangers.sweep()  # once repaired, nothing more is sent
    messages = api.get(f"/hidden-dangers/{hd['id']}/regulator-messages", role="park_admin").json["items"]
    assert [(m["record"]["id"], m["record"]["dangerState"]) for m in messages] == [(hd["id"], 0)]


def test_a_failed_notice_is_sent_again_by_the_sweep_once(api):
    from chalicelib.notify import channels

    class Down:
        def send(self, phone: str, text: str) -> str:
            raise ConnectionError("sms gateway down")

    eid = enterprise(api)
    body = danger(eid, major_criteria=[9])
    phone = body["liable_person"]["phone"]
    with mock.patch.object(channels, "_sms", Down()):
        r = api.post("/hidden-dangers", role="park_admin", json=body)
    assert r.status_code == 201, r.json
    (order,) = _orders(api, eid)
    (notice,) = [n for n in order["notices"] if n["to"] == "liable_person"]
    assert notice["status"] == "failed" and notice["phone"] == phone[:3] + "****" + phone[-4:]
    assert sms_to(phone) == []
    dangers.sweep()
    dangers.sweep()
    assert len(sms_to(phone)) == 1
    (order,) = _orders(api, eid)
    assert [n["status"] for n in order["notices"] if n["to"] == "liable_person"] == ["sent"]
