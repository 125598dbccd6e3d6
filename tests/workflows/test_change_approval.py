"""Change approval (6.2.4-2/3/4) end to end: the real ASL in moto, the in-process change_task Lambda, the API.

Every path polls with a deadline (the workflow runs in moto's threads); timers come from CHEMPARK_CHANGE_*_S.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from chalicelib.core import aws, catalog, workflows
from tests.settings_env import setenv_fixture  # noqa: F401 (the `setenv` fixture)
from tests.support import TopicTap, ms_of, wait_for

pytestmark = pytest.mark.xdist_group("change-approval")
IMPLEMENTER, REVIEWER = "eng-impl", "eng-review"


@pytest.fixture(autouse=True)
def _limits(setenv: Callable[[str, str], None]) -> None:
    for name in ("APPROVAL", "TEST", "IMPLEMENTATION", "REVIEW", "ROLLBACK"):
        setenv(f"CHEMPARK_CHANGE_{name}_S", "60")


def new_ci(api: Any, declared: dict[str, Any] | None = None) -> dict[str, Any]:
    declared = declared or {"version": "1.4.2", "replicas": 2}
    body = {"name": "报警推送服务", "kind": "software_version", "owner": "运营工程组", "declared": declared}
    r = api.post("/cmdb/items", role="ops_engineer", json=body)
    assert r.status_code == 201, r.json
    return r.json


def change_body(ci_id: str, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "title": "推送服务升级",
        "items": [{"ci_id": ci_id, "attributes": attributes or {"version": "1.5.0"}}],
        "risk": {"level": "medium", "impact": "推送可能延迟 1 分钟", "likelihood": "low"},
        "rollback_plan": "重新部署 1.4.2",
        "test_plan": "预发布环境回放",
        "planned_window": {"start": "2030-01-10T14:00:00Z", "end": "2030-01-10T16:00:00Z"},
    }


def submit(api: Any, ci_id: str, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    r = api.post("/changes", role="ops_engineer", json=change_body(ci_id, attributes))
    assert r.status_code == 201, r.json
    return r.json


def change(api: Any, change_id: str) -> dict[str, Any]:
    r = api.get(f"/changes/{change_id}", role="auditor")
    assert r.status_code == 200, r.json
    return r.json


def awaiting(api: Any, change_id: str, step: str) -> dict[str, Any]:
    return wait_for(f"{change_id} awaiting {step}", lambda: change(api, change_id)["change"]["awaiting"] == step)


def act(api: Any, change_id: str, step: str, body: dict[str, Any], role: str, subject: str | None = None) -> Any:
    awaiting(api, change_id, step)
    token = api.token(role, subject=subject or f"user-{role}")
    return api.post(f"/changes/{change_id}/{step}", token=token, json=body)


def execution(change_id: str) -> dict[str, Any]:
    arn = catalog.state_machine_arn("change-approval").replace(":stateMachine:", ":execution:")
    name = workflows.execution_name(change_id)
    return aws.client("stepfunctions").describe_execution(executionArn=f"{arn}:{name}")


def finished(api: Any, change_id: str, outcome: str) -> dict[str, Any]:
    done = wait_for("the execution to end", lambda: (e := execution(change_id))["status"] != "RUNNING" and e)
    assert done["status"] == "SUCCEEDED", done
    detail = wait_for("the archive", lambda: (d := change(api, change_id))["change"]["report_key"] and d)
    assert detail["change"]["status"] == detail["change"]["outcome"] == outcome
    return detail


def archived_record(api: Any, detail: dict[str, Any]) -> dict[str, Any]:
    got = aws.client("s3").get_object(Bucket=catalog.bucket_name("reports"), Key=detail["change"]["report_key"])
    return orjson.loads(got["Body"].read())


def audit_records(api: Any, change_id: str) -> list[dict[str, Any]]:
    r = api.get(f"/audit/records?target={change_id}&action=changes.archive", role="auditor")
    assert r.status_code == 200, r.json
    return r.json["items"]


def actions(detail: dict[str, Any]) -> list[str]:
    return [e["action"] for e in detail["timeline"]]


def test_approved_tested_implemented_reviewed_updates_the_ci_and_archives(api):
    tap = TopicTap("notifications", filter_policy={"kind": ["change"]})
    ci = new_ci(api)
    c = submit(api, ci["id"], {"version": "1.5.0", "replicas": 3})
    assert c["status"] == "submitted" and c["items"][0]["before"] == {"version": "1.4.2", "replicas": 2}
    assert api.get(f"/cmdb/items/{ci['id']}", role="auditor").json["item"]["open_change"] == c["id"]
    assert act(api, c["id"], "approval", {"decision": "approve", "comment": "同意"}, "park_admin").status_code == 200
    assert act(api, c["id"], "test", {"result": "pass", "notes": "回放通过"}, "ops_engineer").status_code == 200
    r = act(api, c["id"], "implementation", {"result": "done"}, "ops_engineer", IMPLEMENTER)
    assert r.status_code == 200 and r.json["implementer"] == IMPLEMENTER
    assert act(api, c["id"], "review", {"result": "ok"}, "ops_engineer", REVIEWER).status_code == 200

    detail = finished(api, c["id"], "completed")
    steps = actions(detail)
    for expected in ("submitted", "approval", "test", "implementation", "review", "applied", "archived"):
        assert expected in steps, steps
    assert steps.index("approval") < steps.index("test") < steps.index("implementation") < steps.index("review")
    by_action = {e["action"]: e for e in detail["timeline"]}
    assert by_action["implementation"]["actor"] == IMPLEMENTER and by_action["approval"]["notes"] == "同意"
    assert all(ms_of(e["ts"]) > 0 for e in detail["timeline"])

    item = api.get(f"/cmdb/items/{ci['id']}", role="ops_engineer").json
    assert item["item"]["declared"] == {"version": "1.5.0", "replicas": 3}
    assert item["item"]["revision"] == 1 and item["item"]["open_change"] is None
    calls = [(m["body"]["step"], m["attributes"]["roles"]) for m in tap.messages() if m["body"]["change_id"] == c["id"]]
    assert calls == [
        ("approval", "park_admin"),
        ("test", "ops_engineer"),
        ("implementation", "ops_engineer"),
        ("review", "park_admin,ops_engineer"),
    ]
    declared = [h for h in item["history"] if h["type"] == "declared"]
    assert len(declared) == 1 and declared[0]["change_id"] == c["id"]
    assert declared[0]["before"] == {"version": "1.4.2", "replicas": 2} and declared[0]["after"]["version"] == "1.5.0"
    assert declared[0]["actor"] == IMPLEMENTER and declared[0]["reviewed_by"] == REVIEWER

    record = archived_record(api, detail)
    assert detail["change"]["report_key"].startswith("changes/") and detail["change"]["report_key"].endswith(".json")
    assert record["status"] == "completed" and [e["action"] for e in record["timeline"]] == steps
    assert "token" not in record
    audits = audit_records(api, c["id"])
    assert len(audits) == 1 and audits[0]["details"]["outcome"] == "completed"
    listed = api.get(f"/changes?ci_id={ci['id']}", role="auditor").json["items"]
    assert [x["id"] for x in listed] == [c["id"]]
    quarter = api.get("/cmdb/audit", role="ops_engineer").json
    assert c["id"] in [x["id"] for x in quarter["changes_completed"]]
    assert quarter["summary"]["changes_completed"] == len(quarter["changes_completed"])


def test_failed_test_rolls_back_and_leaves_the_ci_unchanged(api):
    ci = new_ci(api)
    c = submit(api, ci["id"])
    act(api, c["id"], "approval", {"decision": "approve"}, "park_admin")
    no_reason = act(api, c["id"], "test", {"result": "fail"}, "ops_engineer")
    assert no_reason.status_code == 422 and no_reason.json["details"]["errors"][0]["field"] == "body.notes"
    assert act(api, c["id"], "test", {"result": "fail", "notes": "回放丢消息"}, "ops_engineer").status_code == 200
    wait_for("rollback step", lambda: change(api, c["id"])["change"]["status"] == "awaiting_rollback")
    r = act(api, c["id"], "rollback", {"done": True, "notes": "已恢复 1.4.2"}, "ops_engineer")
    assert r.status_code == 200, r.json
    detail = finished(api, c["id"], "rolled_back")
    assert {"rollback_started", "rollback", "archived"} <= set(actions(detail))
    assert "applied" not in actions(detail)
    item = api.get(f"/cmdb/items/{ci['id']}", role="ops_engineer").json["item"]
    assert item["declared"] == ci["declared"] and item["revision"] == 0 and item["open_change"] is None
    assert archived_record(api, detail)["status"] == "rolled_back" and len(audit_records(api, c["id"])) == 1
    quarter = api.get("/cmdb/audit", role="park_admin").json
    assert c["id"] in [x["id"] for x in quarter["changes_rolled_back"]]
    assert c["id"] not in [x["id"] for x in quarter["changes_completed"]]


def test_rejection_ends_the_change(api):
    ci = new_ci(api)
    c = submit(api, ci["id"])
    assert act(api, c["id"], "approval", {"decision": "reject", "comment": "窗口冲突"}, "park_admin").status_code == 200
    detail = finished(api, c["id"], "rejected")
    assert "test" not in actions(detail)
    item = api.get(f"/cmdb/items/{ci['id']}", role="auditor").json["item"]
    assert item["declared"] == ci["declared"] and item["open_change"] is None
    assert len(audit_records(api, c["id"])) == 1


def test_failed_implementation_rolls_back(api):
    ci = new_ci(api)
    c = submit(api, ci["id"])
    act(api, c["id"], "approval", {"decision": "approve"}, "park_admin")
    act(api, c["id"], "test", {"result": "pass"}, "ops_engineer")
    r = act(api, c["id"], "implementation", {"result": "failed", "notes": "数据库迁移失败"}, "ops_engineer")
    assert r.status_code == 200
    act(api, c["id"], "rollback", {"done": True, "notes": "已回滚迁移"}, "ops_engineer")
    finished(api, c["id"], "rolled_back")
    assert api.get(f"/cmdb/items/{ci['id']}", role="auditor").json["item"]["declared"] == ci["declared"]


def test_separation_of_duties_wrong_step_wrong_role_and_locked_ci(api):
    ci = new_ci(api)
    c = submit(api, ci["id"])
    awaiting(api, c["id"], "approval")
    early = api.post(f"/changes/{c['id']}/test", role="ops_engineer", json={"result": "pass"})
    assert early.status_code == 409 and early.json["code"] == "CHANGE_WRONG_STEP"
    wrong_role = api.post(f"/changes/{c['id']}/approval", role="ops_engineer", json={"decision": "approve"})
    assert wrong_role.status_code == 403 and wrong_role.json["code"] == "FORBIDDEN"
    again = api.post("/changes", role="park_admin", json=change_body(ci["id"], {"version": "9.9.9"}))
    assert again.status_code == 409 and again.json["code"] == "CI_LOCKED"

    act(api, c["id"], "approval", {"decision": "approve"}, "park_admin")
    act(api, c["id"], "test", {"result": "pass"}, "ops_engineer")
    act(api, c["id"], "implementation", {"result": "done"}, "ops_engineer", IMPLEMENTER)
    own = act(api, c["id"], "review", {"result": "ok"}, "ops_engineer", IMPLEMENTER)
    assert own.status_code == 403 and own.json["code"] == "CHANGE_SEPARATION_OF_DUTIES"
    assert own.json["details"]["rule"] == "implementer_cannot_review"
    assert change(api, c["id"])["change"]["awaiting"] == "review"  # the refusal consumed nothing
    assert act(api, c["id"], "review", {"result": "ok"}, "park_admin").status_code == 200
    twice = api.post(f"/changes/{c['id']}/review", role="park_admin", json={"result": "ok"})
    assert twice.status_code == 409 and twice.json["code"] == "CHANGE_WRONG_STEP"
    finished(api, c["id"], "completed")


def test_approval_timeout_expires_the_change(api, setenv):
    setenv("CHEMPARK_CHANGE_APPROVAL_S", "1")
    ci = new_ci(api)
    c = submit(api, ci["id"])
    assert c["limits"]["approval_s"] == 1
    detail = finished(api, c["id"], "expired")
    late = api.post(f"/changes/{c['id']}/approval", role="park_admin", json={"decision": "approve"})
    assert late.status_code == 409 and late.json["code"] == "CHANGE_WRONG_STEP"
    assert "approval" not in actions(detail)
    item = api.get(f"/cmdb/items/{ci['id']}", role="auditor").json["item"]
    assert item["declared"] == ci["declared"] and item["open_change"] is None
    assert len(audit_records(api, c["id"])) == 1


def test_a_stale_token_answers_step_expired_and_is_recorded(api):
    from chalicelib.changes import store

    ci = new_ci(api)
    c = submit(api, ci["id"])
    awaiting(api, c["id"], "approval")
    item = store.ChangeModel.get(c["id"], consistent_read=True)
    real = item.token
    item.update(actions=[store.ChangeModel.token.set("not-a-live-token")], add_version_condition=False)
    r = api.post(f"/changes/{c['id']}/approval", role="park_admin", json={"decision": "approve"})
    assert r.status_code == 409 and r.json["code"] == "STEP_EXPIRED"
    assert "approval_not_applied" in actions(change(api, c["id"]))
    workflows.resume(real, {"decision": "reject", "comment": "测试清理", "by": "test"})
    finished(api, c["id"], "rejected")


def test_step_functions_down_hands_the_step_back(api, monkeypatch):
    ci = new_ci(api)
    c = submit(api, ci["id"])
    awaiting(api, c["id"], "approval")

    def unreachable(token: str, output: dict[str, Any]) -> None:
        raise ConnectionError("states endpoint unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(workflows, "resume", unreachable)
        body = {"decision": "reject", "comment": "窗口冲突"}
        r = api.post(f"/changes/{c['id']}/approval", role="park_admin", json=body)
    assert r.status_code == 503 and r.json["code"] == "DEPENDENCY_UNAVAILABLE"
    assert change(api, c["id"])["change"]["awaiting"] == "approval"  # handed back: the step can be retried
    r = api.post(f"/changes/{c['id']}/approval", role="park_admin", json={"decision": "reject", "comment": "窗口冲突"})
    assert r.status_code == 200, r.json
    assert "approval_not_applied" in actions(finished(api, c["id"], "rejected"))


def test_rollback_is_reminded_until_confirmed(api, setenv):
    setenv("CHEMPARK_CHANGE_ROLLBACK_S", "1")
    ci = new_ci(api)
    c = submit(api, ci["id"])
    act(api, c["id"], "approval", {"decision": "approve"}, "park_admin")
    act(api, c["id"], "test", {"result": "fail", "notes": "失败"}, "ops_engineer")
    wait_for("a rollback reminder", lambda: "reminder_rollback" in actions(change(api, c["id"])))

    def confirmed() -> bool:
        # The token is renewed every second, so an answer can race a renewal: it is refused (409) and retried.
        # moto can also accept an answer at the very instant of a timeout and then drop it (AWS answers
        # TaskTimedOut): the step then comes back with a new token and is confirmed again.
        if execution(c["id"])["status"] != "RUNNING":
            return True
        if change(api, c["id"])["change"]["awaiting"] == "rollback":
            body = {"done": True, "notes": "已回退"}
            r = api.post(f"/changes/{c['id']}/rollback", role="ops_engineer", json=body)
            assert r.status_code in (200, 409), r.json
        return False

    wait_for("the rollback confirmation", confirmed, timeout=40)
    finished(api, c["id"], "rolled_back")


def test_cmdb_observations_no_direct_edit_and_the_quarterly_audit(api):
    ci, quiet = new_ci(api, {"version": "2.0.0", "port": 8080}), new_ci(api)
    assert api.get("/cmdb/items", role="enterprise_manager", enterprise_id="ent_x").status_code == 403
    assert api.put(f"/cmdb/items/{ci['id']}", role="park_admin", json={"declared": {}}).status_code == 405
    obs = {"attributes": {"version": "2.0.1", "port": "8080", "debug": True}, "source": "discovery"}
    r = api.post(f"/cmdb/items/{ci['id']}/observations", role="integration", json=obs)
    assert r.status_code == 201, r.json
    assert r.json["observed"]["version"]["value"] == "2.0.1" and r.json["declared"]["version"] == "2.0.0"
    old = {"attributes": {"version": "1.0.0"}, "observed_at": "2001-01-01T00:00:00Z"}
    r = api.post(f"/cmdb/items/{ci['id']}/observations", role="ops_engineer", json=old)
    assert r.json["observed"]["version"]["value"] == "2.0.1"  # an older observation never hides a newer one
    forbidden = api.post(f"/cmdb/items/{ci['id']}/observations", role="auditor", json=obs)
    assert forbidden.status_code == 403

    def refused(body: dict[str, Any]) -> tuple[str, str]:
        r = api.post("/changes", role="ops_engineer", json=body)
        assert r.status_code == 422, r.json
        return r.json["code"], (r.json["details"].get("errors") or [{}])[0].get("field", "")

    assert refused(change_body(ci["id"], {"version": "2.0.0"})) == ("CHANGE_NO_EFFECT", "")
    assert refused({**change_body(ci["id"]), "rollback_plan": "  "})[1] == "body.rollback_plan"
    assert refused(change_body("ci_01JD0000000000000000000000")) == ("VALIDATION_FAILED", "body.items.0.ci_id")
    assert api.get(f"/cmdb/items/{ci['id']}", role="auditor").json["item"]["open_change"] is None

    r = api.get("/cmdb/audit", role="auditor")
    assert r.status_code == 200, r.json
    report = r.json
    items = {i["ci_id"]: i for i in report["items"]}
    diffs = {(d["attribute"], d["kind"]) for d in items[ci["id"]]["differences"]}
    assert diffs == {("version", "mismatch"), ("debug", "undeclared")}
    assert items[ci["id"]]["observed_in_quarter"] and not items[quiet["id"]]["observed_in_quarter"]
    assert quiet["id"] in report["not_observed"] and ci["id"] not in report["not_observed"]
    assert report["summary"]["with_differences"] >= 2 and report["summary"]["not_observed"] >= 1
    audited = api.get(
        f"/audit/records?action=changes.quarterly_audit&target=cmdb-audit:{report['quarter']}", role="auditor"
    )
    assert audited.json["items"], "the quarterly audit is a sensitive read and must be audited"
    assert api.get("/cmdb/audit?quarter=2026Q5", role="auditor").status_code == 422
    earlier = api.get("/cmdb/audit?quarter=2001Q1", role="park_admin").json
    assert earlier["items"] == [] and earlier["changes_completed"] == []
