"""Warning verification, publication and closure: the real ASL in moto with the in-process task Lambda."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core import aws, settings
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.integration.push_support import device, pushed
from tests.support import TopicTap, batch, make_park, message, now, sms_to, wait_for

OFFICER = {"subject": "officer-1", "name": "张值守", "phone": "13911110001"}
SUPERVISOR = {"subject": "supervisor-1", "name": "李值班长", "phone": "13911110002"}
HEAD = {"subject": "head-1", "name": "王安全", "phone": "13911110003"}


@pytest.fixture
def fast_limits() -> Iterator[None]:
    """Short limits so the timeout and escalation paths run in seconds."""
    values = {
        "CHEMPARK_VERIFY_HIGH_S": "2",
        "CHEMPARK_VERIFY_URGENT_S": "2",
        "CHEMPARK_ESCALATE_S": "60",
        "CHEMPARK_SAFETY_HEAD_S": "60",
        "CHEMPARK_APPROVAL_S": "60",
        "CHEMPARK_TRACKING_S": "60",
    }
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    settings.reset()
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    settings.reset()


@pytest.fixture
def roster(api: Any) -> None:
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assignments = [
        {
            "date": (today + dt.timedelta(days=d)).isoformat(),
            "shift_id": "all",
            "officers": [OFFICER],
            "supervisor": SUPERVISOR,
            "safety_head": HEAD,
        }
        for d in (-1, 0, 1)
    ]
    r = api.put(
        "/duty/roster",
        role="park_admin",
        json={"shifts": [{"id": "all", "name": "全天", "start": "00:00", "end": "00:00"}], "assignments": assignments},
    )
    assert r.status_code == 200, r.json


def warning(api: Any, warning_id: str) -> dict[str, Any]:
    return api.get(f"/warnings/{warning_id}", role="park_admin").json


def awaiting(api: Any, warning_id: str, step: str) -> dict[str, Any]:
    return wait_for(
        f"{warning_id} awaiting {step}", lambda: (w := warning(api, warning_id))["warning"]["awaiting"] == step and w
    )


def execution_status(warning_id: str) -> str:
    sfn = aws.client("stepfunctions")
    arn = next(
        m["stateMachineArn"]
        for m in sfn.list_state_machines()["stateMachines"]
        if m["name"].endswith("warning-verification")
    )
    return sfn.describe_execution(executionArn=f"{arn.replace(':stateMachine:', ':execution:')}:{warning_id}")["status"]


def report(api: Any, park: Any, priority: str = "high") -> str:
    r = api.post(
        "/warnings",
        role="duty_officer",
        json={
            "enterprise_id": park.enterprise_id,
            "installation_id": park.installation_id,
            "title": "液氯储罐区异味",
            "description": "巡检报告刺激性气味",
            "priority": priority,
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def actions(api: Any, warning_id: str) -> list[str]:
    return [e["action"] for e in warning(api, warning_id)["timeline"]]


def test_confirmed_approved_published_then_closed(api: Any, roster: None) -> None:
    park = make_park(api)
    tap = TopicTap("notifications")
    phone = device(api, api.token("enterprise_manager", park.enterprise_id, subject=f"mgr-{park.enterprise_id}"))
    wid = report(api, park)
    awaiting(api, wid, "verification")
    r = api.post(
        f"/warnings/{wid}/verification",
        role="duty_officer",
        json={"outcome": "confirmed", "level": "orange", "impact": "下风向 500 m", "method": ["video", "trend"]},
    )
    assert r.status_code == 200, r.json
    w = awaiting(api, wid, "approval")["warning"]
    assert w["status"] == "awaiting_approval"
    assert {d["audience"] for d in w["drafts"]} == {"enterprise", "park", "public", "regulator"}
    r = api.post(f"/warnings/{wid}/approval", role="park_admin", json={"decision": "approve", "comment": "同意"})
    assert r.status_code == 200, r.json
    w = awaiting(api, wid, "tracking")["warning"]
    assert w["status"] == "tracking" and w["published_at"] >= w["verified_at"]
    channels = {(p["audience"], p["channel"]) for p in w["publication"]}
    assert ("enterprise", "sms") in channels and ("public", "board") in channels
    assert all(p["ok"] for p in w["publication"]), w["publication"]
    assert any("橙色预警" in text for text in sms_to(park.manager_phone))
    fanout = tap.messages()
    assert {m["attributes"]["channel"] for m in fanout} == {"sns"}
    assert all(m["attributes"]["level"] == "orange" for m in fanout)
    app = next(p for p in w["publication"] if (p["audience"], p["channel"]) == ("enterprise", "app"))
    assert app["pushes"]["sent"] == 1, app  # the app channel is a push to the enterprise's registered phones
    (note,) = pushed(phone["id"])
    assert note["data"] == {"warning_id": wid, "level": "orange", "ref": f"{wid}:enterprise", "kind": "warning"}
    r = api.post(
        f"/warnings/{wid}/feedback",
        role="enterprise_manager",
        enterprise_id=park.enterprise_id,
        json={"text": "已堵漏", "measures": "关闭进料阀"},
    )
    assert r.status_code == 201, r.json
    r = api.post(f"/warnings/{wid}/close", role="duty_officer", json={"reason": "浓度恢复正常"})
    assert r.status_code == 200, r.json
    wait_for("closed", lambda: warning(api, wid)["warning"]["status"] == "closed")
    wait_for("execution succeeded", lambda: execution_status(wid) == "SUCCEEDED")
    steps = actions(api, wid)
    for expected in ("created", "assigned", "verified", "drafted", "approved", "published", "feedback", "closed"):
        assert expected in steps, steps
    audit = api.get(f"/audit/records?target={wid}", role="auditor").json["items"]
    assert {"warnings.verify_warning", "warnings.approve_warning", "warnings.close_warning"} <= {
        a["action"] for a in audit
    }


def test_false_alarm_closes_with_reason(api: Any, roster: None) -> None:
    park = make_park(api)
    wid = report(api, park)
    awaiting(api, wid, "verification")
    missing = api.post(f"/warnings/{wid}/verification", role="duty_officer", json={"outcome": "false_alarm"})
    assert missing.status_code == 422 and missing.json["details"]["errors"][0]["field"] == "body.reason"
    r = api.post(
        f"/warnings/{wid}/verification",
        role="duty_officer",
        json={"outcome": "false_alarm", "reason": "探头受潮漂移", "suggest_limit_review": True},
    )
    assert r.status_code == 200, r.json
    w = wait_for("false alarm closed", lambda: (x := warning(api, wid))["warning"]["status"] == "false_alarm" and x)
    assert w["warning"]["limit_review"] is True
    wait_for("execution succeeded", lambda: execution_status(wid) == "SUCCEEDED")
    kpis = api.get(
        f"/warnings/kpis?enterprise_id={park.enterprise_id}&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z",
        role="park_admin",
    ).json
    assert kpis["false_alarms"] == 1 and kpis["accuracy_percent"] == 0.0


def test_timeout_escalates_to_the_supervisor_who_verifies(api: Any, roster: None, fast_limits: None) -> None:
    park = make_park(api)
    wid = report(api, park)
    w = wait_for(
        "escalation",
        lambda: (
            (x := warning(api, wid))["warning"].get("escalation_level") == 1
            and x["warning"]["awaiting"] == "verification"
            and x
        ),
    )
    assert [a["name"] for a in w["warning"]["assignees"]] == [SUPERVISOR["name"]]
    assert any("已升级" in t for t in sms_to(SUPERVISOR["phone"]))
    r = api.post(f"/warnings/{wid}/verification", role="commander", json={"outcome": "confirmed", "level": "yellow"})
    assert r.status_code == 200, r.json
    awaiting(api, wid, "approval")
    steps = actions(api, wid)
    assert steps.index("escalated") < steps.index("verified")
    kpis = api.get(
        f"/warnings/kpis?enterprise_id={park.enterprise_id}&from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z",
        role="park_admin",
    ).json
    assert kpis["escalated"] == 1 and kpis["verified_within_limit_percent"] == 0.0


def test_rejected_publication_is_redrafted_then_approved(api: Any, roster: None) -> None:
    park = make_park(api)
    wid = report(api, park)
    awaiting(api, wid, "verification")
    api.post(f"/warnings/{wid}/verification", role="duty_officer", json={"outcome": "confirmed", "level": "red"})
    awaiting(api, wid, "approval")
    edited = "【园区红色预警】请周边企业立即撤离至上风向集合点。"
    r = api.post(
        f"/warnings/{wid}/approval",
        role="commander",
        json={
            "decision": "reject",
            "comment": "公众文案需写明撤离方向",
            "edits": [{"audience": "public", "text": edited}],
        },
    )
    assert r.status_code == 200, r.json
    w = wait_for(
        "redraft",
        lambda: (
            (x := warning(api, wid))["warning"].get("draft_version") == 2
            and x["warning"]["awaiting"] == "approval"
            and x
        ),
    )
    assert next(d for d in w["warning"]["drafts"] if d["audience"] == "public")["text"] == edited
    r = api.post(f"/warnings/{wid}/approval", role="park_admin", json={"decision": "approve"})
    assert r.status_code == 200, r.json
    w = awaiting(api, wid, "tracking")["warning"]
    assert {p["channel"] for p in w["publication"]} >= {"broadcast", "portal", "board", "sms"}
    steps = actions(api, wid)
    assert steps.count("drafted") == 2 and "rejected" in steps and "approved" in steps


def test_four_eyes_wrong_step_and_wrong_role(api: Any, roster: None) -> None:
    park = make_park(api)
    wid = report(api, park)
    awaiting(api, wid, "verification")
    early = api.post(f"/warnings/{wid}/approval", role="park_admin", json={"decision": "approve"})
    assert early.status_code == 409 and early.json["code"] == "WARNING_WRONG_STEP"
    role = api.post(f"/warnings/{wid}/verification", role="inspector", json={"outcome": "confirmed", "level": "blue"})
    assert role.status_code == 403
    verifier = api.token("park_admin", subject="admin-who-verifies")
    api.post(f"/warnings/{wid}/verification", token=verifier, json={"outcome": "confirmed", "level": "blue"})
    awaiting(api, wid, "approval")
    same = api.post(f"/warnings/{wid}/approval", token=verifier, json={"decision": "approve"})
    assert same.status_code == 403 and same.json["code"] == "FOUR_EYES"
    again = api.post(
        f"/warnings/{wid}/verification", role="duty_officer", json={"outcome": "false_alarm", "reason": "x"}
    )
    assert again.status_code == 409


def test_high_priority_alarms_start_one_warning_per_tag(api: Any, roster: None) -> None:
    park = make_park(api)
    caches.reset_caches()
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now() - 1000, 1.5)])))  # H: priority high
    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 2.6)])))  # HH: urgent, same tag
    items = wait_for(
        "warning from alarm",
        lambda: api.get(f"/warnings?enterprise_id={park.enterprise_id}", role="park_admin").json["items"],
    )
    assert len(items) == 1
    w = warning(api, items[0]["id"])["warning"]
    assert w["source"] == "alarm" and len(w["alarm_ids"]) == 2 and w["priority"] == "urgent"
    assert "alarm_linked" in actions(api, w["id"])
