"""Human steps complete exactly once (issue 10 item 9, finding 12), on the real ASL in moto.

Two people complete the same step at the same moment: both read the record while the step is open, then
both try to complete it. Exactly one wins; the other is told at once (409 STEP_TAKEN naming the step), the
record keeps the winner's answer and the execution is resumed once. When Step Functions does not answer, the
step is handed back and a retry completes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.changes import service as changes
from chalicelib.core import errors, workflows
from chalicelib.core.identity import Identity, Role
from chalicelib.incidents import service as incidents
from chalicelib.incidents.service import lifecycle
from chalicelib.warnings import service as warnings
from chalicelib.warnings.schemas import VerificationIn
from chalicelib.warnings.service import steps as warning_steps
from tests.settings_env import setenv_fixture  # noqa: F401 (the `setenv` fixture)
from tests.support import make_park, wait_for
from tests.workflows import test_change_approval as change_flow
from tests.workflows import test_warning_verification as warning_flow
from tests.workflows.test_warning_verification import fast_limits, roster  # noqa: F401 (fixtures)

pytestmark = pytest.mark.xdist_group("human-steps")


def person(subject: str, *roles: Role) -> Identity:
    return Identity(subject=subject, roles=frozenset(roles), name=subject)


class Resumes:
    """Counts SendTaskSuccess calls made by the API (and can make Step Functions unreachable)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []
        self.down = False
        real = workflows.resume

        def resume(token: str, output: dict[str, Any]) -> None:
            if self.down:
                raise ConnectionError("states endpoint unreachable")
            self.calls.append(output)
            real(token, output)

        monkeypatch.setattr(workflows, "resume", resume)


@pytest.fixture
def resumes(monkeypatch: pytest.MonkeyPatch) -> Resumes:
    return Resumes(monkeypatch)


def hold_after_first_read(monkeypatch: pytest.MonkeyPatch, module: Any, name: str = "load", callers: int = 2) -> None:
    """Each caller's first read of the record waits until every caller has read it: all saw the step open."""
    barrier, local = threading.Barrier(callers), threading.local()
    real = getattr(module, name)

    def read(*args: Any, **kwargs: Any) -> Any:
        item = real(*args, **kwargs)
        if not getattr(local, "held", False):
            local.held = True
            barrier.wait(timeout=20)
        return item

    monkeypatch.setattr(module, name, read)


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads at once; each result is the return value or the exception raised."""
    results: list[Any] = [None] * len(calls)

    def run(n: int) -> None:
        try:
            results[n] = calls[n]()
        except Exception as exc:
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def one_winner(results: list[Any], step: str) -> int:
    """The index of the one call that succeeded; the other answered 409 STEP_TAKEN naming the step."""
    won = [n for n, r in enumerate(results) if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1, results
    assert len(lost) == 1 and isinstance(lost[0], errors.AppError), results
    assert lost[0].status == 409 and lost[0].code == "STEP_TAKEN", lost[0]
    assert lost[0].details["step"] == step
    return won[0]


def active_incident(api: Any, setenv: Callable[[str, str], None]) -> str:
    setenv("CHEMPARK_UNIT_ACK_S", "1")
    park = make_park(api)
    r = api.post(
        "/incidents",
        role="duty_officer",
        json={
            "type": "leak",
            "level": "III",
            "title": "液氯储罐区氯气泄漏",
            "phenomenon": "黄绿色气体逸出",
            "place": {"lat": 31.951, "lon": 120.905, "text": "液氯储罐区"},
            "enterprise_id": park.enterprise_id,
            "installation_id": park.installation_id,
        },
    )
    assert r.status_code == 201, r.json
    iid = r.json["id"]
    assert api.post(f"/incidents/{iid}/activate", role="commander").status_code == 200
    wait_for(
        "awaiting stand-down",
        lambda: api.get(f"/incidents/{iid}", role="commander").json["incident"]["awaiting_stand_down"],
    )
    return iid


def stand_downs(iid: str) -> list[dict[str, Any]]:
    return [e for e in incidents.replay(iid) if e["text"].startswith("终止应急响应")]


def test_two_concurrent_stand_downs_one_wins_the_other_is_told_at_once(
    api: Any, setenv: Callable[[str, str], None], resumes: Resumes, monkeypatch: pytest.MonkeyPatch
) -> None:
    iid = active_incident(api, setenv)
    hold_after_first_read(monkeypatch, lifecycle)
    summaries = ("泄漏已控制（甲）", "泄漏已控制（乙）")
    results = race(
        *(
            (lambda s=s, n=n: incidents.stand_down(iid, person(f"commander-{n}", Role.COMMANDER), s))
            for n, s in enumerate(summaries)
        )
    )
    winner = summaries[one_winner(results, "stand_down")]
    assert incidents.load(iid).data()["stand_down"]["summary"] == winner  # the loser overwrote nothing
    assert [e["text"] for e in stand_downs(iid)] == [f"终止应急响应：{winner}"]
    assert [c["summary"] for c in resumes.calls] == [winner]  # the execution was resumed once
    done = wait_for("archive", lambda: (x := incidents.load(iid).data()).get("archive") and x)
    assert done["status"] == "closed" and done["stand_down"]["summary"] == winner


def test_stand_down_before_the_workflow_waits_answers_at_once(api: Any, resumes: Resumes) -> None:
    park = make_park(api)
    body = {
        "type": "leak",
        "title": "异味",
        "place": {"lat": 31.95, "lon": 120.9},
        "enterprise_id": park.enterprise_id,
    }
    iid = api.post("/incidents", role="duty_officer", json=body).json["id"]
    r = api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "误报"})
    assert r.status_code == 409 and r.json["code"] == "INCIDENT_STATE"
    assert resumes.calls == []


def test_stand_down_with_step_functions_down_is_handed_back_and_retried(
    api: Any, setenv: Callable[[str, str], None], resumes: Resumes
) -> None:
    iid = active_incident(api, setenv)
    resumes.down = True
    r = api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "第一次"})
    assert r.status_code == 503 and r.json["code"] == "DEPENDENCY_UNAVAILABLE"
    assert api.get(f"/incidents/{iid}", role="commander").json["incident"]["awaiting_stand_down"] is True
    resumes.down = False
    r = api.post(f"/incidents/{iid}/stand-down", role="commander", json={"summary": "第二次"})
    assert r.status_code == 200, r.json
    assert r.json["stand_down"]["summary"] == "第二次"
    assert [c["summary"] for c in resumes.calls] == ["第二次"]
    done = wait_for("archive", lambda: (x := incidents.load(iid).data()).get("archive") and x)
    assert done["status"] == "closed"


@pytest.mark.usefixtures("roster")
def test_two_concurrent_verifications_one_wins(api: Any, resumes: Resumes, monkeypatch: pytest.MonkeyPatch) -> None:
    park = make_park(api)
    wid = warning_flow.report(api, park)
    warning_flow.awaiting(api, wid, "verification")
    hold_after_first_read(monkeypatch, warning_steps)
    bodies = (
        VerificationIn.model_validate({"outcome": "confirmed", "level": "orange", "impact": "下风向 500 m"}),
        VerificationIn.model_validate({"outcome": "false_alarm", "reason": "探头受潮漂移"}),
    )
    results = race(
        *(
            (lambda b=b, n=n: warnings.verify(wid, person(f"officer-{n}", Role.DUTY_OFFICER), b))
            for n, b in enumerate(bodies)
        )
    )
    won = one_winner(results, "verification")
    stored = warnings.load(wid).data()
    assert stored["verification"]["outcome"] == bodies[won].outcome
    assert stored["verified_by"] == f"officer-{won}"
    assert [c["outcome"] for c in resumes.calls] == [bodies[won].outcome]
    assert [a for a in warning_flow.actions(api, wid) if a == "verified"] == ["verified"]
    expected = "awaiting_approval" if won == 0 else "false_alarm"
    wait_for(expected, lambda: warnings.load(wid).status == expected)


@pytest.mark.usefixtures("roster")
def test_verification_with_step_functions_down_is_handed_back_and_retried(api: Any, resumes: Resumes) -> None:
    park = make_park(api)
    wid = warning_flow.report(api, park)
    warning_flow.awaiting(api, wid, "verification")
    body = {"outcome": "confirmed", "level": "yellow"}
    resumes.down = True
    r = api.post(f"/warnings/{wid}/verification", role="duty_officer", json=body)
    assert r.status_code == 503 and r.json["code"] == "DEPENDENCY_UNAVAILABLE"
    assert warning_flow.warning(api, wid)["warning"]["awaiting"] == "verification"
    resumes.down = False
    r = api.post(f"/warnings/{wid}/verification", role="duty_officer", json=body)
    assert r.status_code == 200, r.json
    assert len(resumes.calls) == 1
    warning_flow.awaiting(api, wid, "approval")


def test_two_concurrent_change_approvals_one_wins(api: Any, resumes: Resumes, monkeypatch: pytest.MonkeyPatch) -> None:
    ci = change_flow.new_ci(api)
    c = change_flow.submit(api, ci["id"])
    change_flow.awaiting(api, c["id"], "approval")
    hold_after_first_read(monkeypatch, changes)
    answers = (("approve", "同意"), ("reject", "窗口冲突"))
    results = race(
        *(
            (lambda a=a, n=n: changes.complete_step(c["id"], "approval", person(f"admin-{n}", Role.PARK_ADMIN), *a))
            for n, a in enumerate(answers)
        )
    )
    won = one_winner(results, "approval")
    timeline = changes.timeline(c["id"])
    approvals = [e for e in timeline if e["action"] == "approval"]
    assert len(approvals) == 1 and approvals[0]["actor"] == f"admin-{won}"
    assert [r["decision"] for r in resumes.calls] == [answers[won][0]]
    wait_for("the next step", lambda: changes.load(c["id"]).awaiting != "approval" or None)


@pytest.mark.usefixtures("roster")
def test_a_verification_on_an_expired_step_answers_at_once_and_is_recorded(api: Any, resumes: Resumes) -> None:
    from chalicelib.warnings import store

    park = make_park(api)
    wid = warning_flow.report(api, park)
    warning_flow.awaiting(api, wid, "verification")
    item = store.WarningModel.get(wid, consistent_read=True)
    real = item.token
    item.update(actions=[store.WarningModel.token.set("not-a-live-token")], add_version_condition=False)
    r = api.post(f"/warnings/{wid}/verification", role="duty_officer", json={"outcome": "confirmed", "level": "blue"})
    assert r.status_code == 409 and r.json["code"] == "STEP_EXPIRED"
    assert "verification_not_applied" in warning_flow.actions(api, wid)
    workflows.resume(real, {"outcome": "false_alarm", "level": None, "by": "test"})
    wait_for("false alarm closed", lambda: warnings.load(wid).status == "false_alarm")


@pytest.mark.usefixtures("roster", "fast_limits")
def test_a_verification_that_expired_is_dropped_at_escalation_and_the_escalated_step_completes(api: Any) -> None:
    from chalicelib.warnings import store

    park = make_park(api)
    wid = warning_flow.report(api, park)
    warning_flow.awaiting(api, wid, "verification")
    item = store.WarningModel.get(wid, consistent_read=True)
    item.update(actions=[store.WarningModel.token.set("not-a-live-token")], add_version_condition=False)
    late = api.post(f"/warnings/{wid}/verification", role="duty_officer", json={"outcome": "confirmed", "level": "red"})
    assert late.status_code == 409 and late.json["code"] == "STEP_EXPIRED"
    escalated = wait_for(
        "escalation",
        lambda: (
            (w := warning_flow.warning(api, wid)["warning"]).get("escalation_level") == 1
            and w["awaiting"] == "verification"
            and w
        ),
    )
    assert "verification" not in escalated and "verified_by" not in escalated  # the late answer was not kept
    body = {"outcome": "false_alarm", "reason": "探头受潮漂移"}  # ends the execution: no timer left running
    r = api.post(f"/warnings/{wid}/verification", role="commander", json=body)
    assert r.status_code == 200, r.json
    wait_for("false alarm closed", lambda: warnings.load(wid).status == "false_alarm")
    assert warnings.load(wid).data()["verification"]["outcome"] == "false_alarm"
