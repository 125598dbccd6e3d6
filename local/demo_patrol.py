"""The demo's patrol round (5.3.2, docs/patrol.md): a park route past the chlorine tanks, a plan whose task the
patrol sweep dispatches to the demo inspector, a check-in refused for distance then accepted with a failed item
(a hidden danger), a drone's leak anomaly texted by priority, and the month's coverage.

`python -m local.demo_patrol` runs it alone (against the running stack, or one of its own)."""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from local.demo import Env, StepFailed, Timeline, run_sweep


def _subject(token: str) -> str:
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def patrol_scenario(env: Env, t: Timeline, leak: dict[str, Any]) -> None:
    sensor, inspector = leak["sensor"], _subject(env.tokens["inspector"])
    eid, lat, lon = sensor["enterprise_id"], sensor["location"]["lat"], sensor["location"]["lon"]
    route = env.call(
        "POST",
        "/patrol/routes",
        body={
            "name": "园区管廊与液氯罐区夜巡",
            "liable_person": {"name": "园区设备科", "phone": "13600000301"},
            "checkpoints": [
                {
                    "id": "tank-east",
                    "name": "液氯罐区东侧",
                    "location": {"lat": lat, "lon": lon},
                    "code": "NFC-CHL-EAST",
                    "enterprise_id": eid,
                    "items": [
                        {"id": "ground", "name": "静电接地完好", "category": "electrical"},
                        {"id": "flange", "name": "法兰无泄漏", "urgent": True},
                    ],
                },
                {
                    "id": "rack-3",
                    "name": "公共管廊 3 号段",
                    "location": {"lat": lat + 0.002, "lon": lon + 0.002},
                    "code": "QR-RACK-03",
                    "items": [{"id": "support", "name": "管架无变形"}],
                },
            ],
        },
    )
    plan = env.call(
        "POST",
        "/patrol/plans",
        body={
            "route_id": route["id"],
            "name": "夜班巡检",
            "team": {
                "name": "园区巡检一班",
                "members": [{"user_id": inspector, "name": "钱巡检", "phone": "13600000302"}],
            },
            "starts_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "cycle": 1,
            "cycle_unit": "day",
            "window_min": 120,
        },
    )
    swept = run_sweep(env, "patrol_sweep")
    tasks = env.call("GET", "/patrol/tasks?mine=true", role="inspector")["items"]
    task = next(x for x in tasks if x["plan_id"] == plan["id"])
    t.ok(f"巡检计划 {plan['id']}：调度生成任务 {task['id']} 下发至移动端（本轮下发 {swept['dispatched']} 个）")
    cp = route["checkpoints"][0]
    far = {"lat": lat + 0.003, "lon": lon, "accuracy_m": 8}
    body = {
        "position": {"lat": far["lat"], "lon": far["lon"]},
        "code": cp["code"],
        "items": [
            {"item_id": "ground", "result": "fail", "note": "接地线断开"},
            {"item_id": "flange", "result": "pass"},
        ],
    }
    refused = env.call("POST", f"/patrol/tasks/{task['id']}/checkpoints/{cp['id']}", "inspector", body, ok=(422,))
    body["position"] = cp["location"]
    done = env.call("POST", f"/patrol/tasks/{task['id']}/checkpoints/{cp['id']}", "inspector", body)
    finding = done["findings"][0]
    if finding.get("kind") != "danger":
        raise StepFailed(f"the failed item registered no hidden danger: {finding}")
    danger = env.call("GET", f"/hidden-dangers/{finding['danger_id']}")["danger"]
    t.ok(
        f"巡检打卡：距离 {refused['details']['distance_m']} m 被拒绝（{refused['code']}）；到点打卡通过，"
        f"不合格项登记隐患 {danger['id']}（来源 {danger['source']}，{danger['title']}）"
    )
    anomaly = env.call(
        "POST",
        "/inspection/anomalies",
        role="integration",
        body={
            "anomaly_id": f"uav-7-{datetime.now(UTC):%Y%m%d%H%M%S}",
            "source": "drone",
            "device_id": "uav-7",
            "kind": "leak",
            "priority": "high",
            "description": "公共管廊 3 号段疑似白色气体",
            "location": route["checkpoints"][1]["location"],
            "detected_at": datetime.now(UTC).isoformat(),
            "confidence": 0.9,
            "route_id": route["id"],
        },
    )
    audiences = sorted({n["audience"] for n in anomaly["notified"]})
    t.ok(f"无人机识别泄漏异常（高）：短信通知 {len(anomaly['notified'])} 人（{'、'.join(audiences)}）")
    stats = env.call("GET", f"/patrol/stats?route_id={route['id']}")["total"]
    t.ok(f"本月巡检：任务 {stats['tasks']}，巡检点 {stats['checkpoints_visited']}/{stats['checkpoints_due']} 已打卡")


def main() -> int:
    from local.demo import connect, find_leak_sensor

    t, env = Timeline(), connect()
    try:
        patrol_scenario(env, t, {"sensor": find_leak_sensor(env)})
    except (StepFailed, StopIteration, KeyError) as exc:
        t.fail(f"{type(exc).__name__}: {exc}")
    finally:
        if env.stack is not None:
            env.stack.stop()
    return 0 if all(ok for _, ok, _ in t.steps) else 1


if __name__ == "__main__":
    sys.exit(main())
