"""`make demo`: a scripted end-to-end scenario against the embedded stack; exits 0 only if every step happened.

Uses the running `make run` stack when there is one (.local/stack.json answering /health), otherwise
starts its own in this process and stops it at the end. The scenario: a chlorine leak at the demo
park's liquid-chlorine tank farm -> trend warning -> H -> HH -> SNS + SMS -> risk colour change ->
ack and shelve through the API -> both in the audit log.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local"


class StepFailed(Exception):
    pass


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    steps: list[tuple[float, bool, str]] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self._add(True, text)

    def fail(self, text: str) -> None:
        self._add(False, text)

    def _add(self, good: bool, text: str) -> None:
        at = time.monotonic() - self.started
        self.steps.append((at, good, text))
        print(f"  [{at:7.1f}s] {'✔' if good else '✘'} {text}", flush=True)


@dataclass
class Env:
    api: str
    moto: str
    tokens: dict[str, str]
    seeded: Any = None
    stack: Any = None

    def call(
        self, method: str, path: str, role: str = "park_admin", body: Any = None, ok: tuple[int, ...] = (200, 201)
    ) -> Any:
        r = requests.request(
            method, self.api + path, json=body, timeout=30, headers={"Authorization": f"Bearer {self.tokens[role]}"}
        )
        if r.status_code not in ok:
            raise StepFailed(f"{method} {path} -> {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None


def wait_for(what: str, probe: Callable[[], Any], timeout_s: float = 120, every_s: float = 1.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every_s)
    raise StepFailed(f"timed out after {timeout_s:.0f}s waiting for {what}")


def connect() -> Env:
    """The running stack, or a new one in this process."""
    info = STATE / "stack.json"
    if info.exists():
        data = json.loads(info.read_text())
        try:
            if requests.get(data["api"] + "/health", timeout=3).status_code == 200:
                os.environ.update(data["env"])
                return Env(data["api"], data["moto"], json.loads((STATE / "tokens.json").read_text()))
        except requests.RequestException:
            pass
    from local import stack as embedded

    print("no running stack found: starting one in this process ...", flush=True)
    s = embedded.start()
    return Env(f"http://127.0.0.1:{s.api_port}", s.moto_url, s.tokens, s.seeded, s)


def _aws(env: Env, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=env.moto,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def tap_topic(env: Env, topic_env: str) -> tuple[Any, str]:
    """Subscribe a fresh queue to a topic, the way a console or app backend would."""
    sqs, sns = _aws(env, "sqs"), _aws(env, "sns")
    url = sqs.create_queue(QueueName=f"demo-tap-{int(time.time())}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=os.environ[topic_env], Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    return sqs, url


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
            "Messages", []
        )
        if not got:
            return out
        for m in got:
            out.append(
                {
                    "body": json.loads(m["Body"]),
                    "attrs": {k: v["StringValue"] for k, v in (m.get("MessageAttributes") or {}).items()},
                }
            )
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def sms_sent(env: Env, enterprise_id: str) -> list[dict[str, Any]]:
    """The system's own SMS log (every text it handed to the SMS channel)."""
    return env.call("GET", f"/notifications/sms?enterprise_id={enterprise_id}&limit=200")["items"]


def control(command: dict[str, Any]) -> None:
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"demo-{os.getpid()}", protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    client.publish("chempark/local/simulator", json.dumps(command), qos=1).wait_for_publish(10)
    client.loop_stop()
    client.disconnect()


def find_leak_sensor(env: Env) -> dict[str, Any]:
    sensors = env.call("GET", "/sensors?limit=200")["items"]
    return next(s for s in sensors if s["id"].endswith("AT-101"))


def alarm_scenario(env: Env, t: Timeline) -> dict[str, Any]:
    """Trend warning -> H -> HH on the chlorine detector, with SNS, SMS, risk colour, ack, shelve, audit."""
    sensor = find_leak_sensor(env)
    tag, inst = sensor["id"], sensor["installation_id"]
    enterprise = env.call("GET", f"/enterprises/{sensor['enterprise_id']}")
    phone = enterprise["managers"][0]["phone"]
    t.ok(
        f"监测点 {tag}（{sensor['name']}），限值 H={sensor['limits']['h']} HH={sensor['limits']['hh']} ppm"
        f"（{sensor['limits_source']}）"
    )
    before = env.call("GET", f"/risk/installations/{inst}")["level"]
    t.ok(f"{sensor.get('installation_name') or '液氯储罐区'} 当前动态风险：{before}")
    sqs, url = tap_topic(env, "CHEMPARK_TOPIC_ALARM_EVENTS_ARN")
    sms_before = {s["ref"] for s in sms_sent(env, sensor["enterprise_id"])}
    control({"scenario": "chlorine_leak", "tag": tag, "rate_per_s": 0.012, "period_s": 1})
    t.ok("模拟器：液氯储罐区开始氯气泄漏（浓度按 0.012 ppm/s 上升，每秒上报）")

    def alarm(condition: str) -> Any:
        items = env.call("GET", f"/alarms?tag_id={tag}&open=true")["items"]
        return next((a for a in items if a["condition"] == condition), None)

    seen: dict[str, dict[str, Any]] = {}
    for condition, label in (("TREND", "趋势预警"), ("H", "高报警"), ("HH", "高高报警")):
        seen[condition] = wait_for(f"{condition} alarm", lambda c=condition: alarm(c), timeout_s=150)
        a = seen[condition]
        extra = f"，预计 {a['detail']:.0f}s 后达到 H" if condition == "TREND" and a.get("detail") else ""
        t.ok(f"{label} {a['id']} 产生：值 {a['value']:.3f} ppm，优先级 {a['priority']}{extra}")
    if not seen["TREND"]["raised_ms"] < seen["H"]["raised_ms"] < seen["HH"]["raised_ms"]:
        raise StepFailed("trend warning must come before H, and H before HH")
    t.ok("顺序正确：趋势预警先于 H，H 先于 HH")
    messages = wait_for(
        "SNS alarm events",
        lambda: [m for m in drain(sqs, url) if m["attrs"].get("event_type") == "raised"] or None,
        timeout_s=30,
    )
    conds = sorted({m["attrs"]["condition"] for m in messages})
    attrs = messages[0]["attrs"]
    t.ok(
        f"SNS 报警事件已发布（{', '.join(conds)}），消息属性 enterprise_id={attrs['enterprise_id']} "
        f"installation_id={attrs['installation_id']} priority={attrs['priority']}"
    )
    texts = wait_for(
        "SMS to the enterprise manager",
        lambda: (
            [
                s
                for s in sms_sent(env, sensor["enterprise_id"])
                if s["ref"] not in sms_before and s["phone"][-4:] == phone[-4:]
            ]
            or None
        ),
        timeout_s=30,
    )
    t.ok(f"短信已发送至企业安全负责人 {texts[0]['phone']}：{texts[-1]['text']}")
    after = wait_for(
        "risk colour change",
        lambda: (lvl := env.call("GET", f"/risk/installations/{inst}")["level"]) != before and lvl,
        timeout_s=30,
    )
    t.ok(f"动态风险等级变化：{before} → {after}")
    hh = seen["HH"]
    acked = env.call(
        "POST", f"/alarms/{hh['id']}/ack", role="duty_officer", body={"comment": "值班员已确认，通知企业处置"}
    )
    t.ok(f"值班员确认 HH 报警：状态 {acked['state']}")
    shelved = env.call(
        "POST",
        f"/alarms/{seen['TREND']['id']}/shelve",
        role="duty_officer",
        body={"duration_s": 1800, "reason": "已有高高报警，趋势预警暂时搁置"},
    )
    t.ok(f"值班员搁置趋势预警 30 分钟：状态 {shelved['state']}")
    audit = env.call("GET", f"/audit/records?target={hh['id']}", role="auditor")["items"]
    audit += env.call("GET", f"/audit/records?target={seen['TREND']['id']}", role="auditor")["items"]
    actions = {r["action"] for r in audit}
    if not {"alarms.ack_alarm", "alarms.shelve_alarm"} <= actions:
        raise StepFailed(f"audit log lacks ack/shelve: {actions}")
    t.ok(f"审计日志记录了确认与搁置（操作人 {audit[0]['actor']}，哈希链 seq {audit[0]['seq']}）")
    verify = env.call("GET", "/audit/verify", role="auditor")
    if not verify["ok"]:
        raise StepFailed(f"audit chain broken: {verify}")
    t.ok(f"审计哈希链校验通过（{verify['checked']} 条）")
    return {"tag": tag, "installation_id": inst, "alarms": seen, "sensor": sensor}


def main() -> int:
    print("chempark-safety demo: 液氯储罐区氯气泄漏", flush=True)
    t = Timeline()
    env: Env | None = None
    try:
        env = connect()
        health = env.call("GET", "/health")
        t.ok(f"服务健康：{health['status']}（版本 {health['version']}）")
        alarm_scenario(env, t)
    except (StepFailed, StopIteration, KeyError, requests.RequestException) as exc:
        t.fail(f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):  # the stack may not be up at all
            control({"scenario": "stop"})
        if env is not None and env.stack is not None:
            env.stack.stop()
    failed = [s for s in t.steps if not s[1]]
    print(
        f"\n{len(t.steps) - len(failed)} steps ok, {len(failed)} failed, {t.steps[-1][0]:.1f}s"
        if t.steps
        else "no steps"
    )
    return 1 if failed or not t.steps else 0


if __name__ == "__main__":
    sys.exit(main())
