"""`make demo`: a scripted end-to-end scenario against the embedded stack; exits 0 only if every step happened.

Uses the running `make run` stack when there is one (.local/stack.json answering /health), otherwise
starts its own in this process and stops it at the end. The scenario: a chlorine leak at the demo
park's liquid-chlorine tank farm -> trend warning -> H -> HH -> SNS + SMS -> risk colour change ->
ack and shelve through the API -> both in the audit log; beside the tanks a hot-work permit, refused without a
gas analysis and started with one, is suspended by the leak's alarm (GB 30871-2022); the enterprise's risk
profile and a risk notice acknowledged and closed by the enterprise (5.1.2); at the gates a black-listed tanker denied
and a booked chlorine tanker that drives its route to the hazmat lot and overstays (5.3.1).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
    mqtt: tuple[str, int] = ("127.0.0.1", 8883)  # the broker's TLS listener
    devices: Path = STATE / "devices"  # the local CA and certificates (local/pki.py)

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
                from chalicelib.core import settings

                settings.reset()  # chalicelib code in this process reads the stack's resources
                host, port = data["mqtt"].rsplit(":", 1)
                tokens = json.loads((STATE / "tokens.json").read_text())
                devices = Path(data.get("devices") or STATE / "devices")
                return Env(data["api"], data["moto"], tokens, mqtt=(host, int(port)), devices=devices)
        except requests.RequestException:
            pass
    from local import stack as embedded

    print("no running stack found: starting one in this process ...", flush=True)
    s = embedded.start()
    api = f"http://127.0.0.1:{s.api_port}"
    return Env(api, s.moto_url, s.tokens, s.seeded, s, mqtt=("127.0.0.1", s.mqtt_port), devices=s.pki.root)


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
    out: list[dict[str, Any]] = []
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


def control(env: Env, command: dict[str, Any]) -> None:
    """Tell the simulator what to do, with the demo's own identity of the stack (not a gateway's)."""
    import paho.mqtt.client as mqtt

    from local.pki import Pki

    creds = Pki.load_or_create(env.devices).service("demo")
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"_demo-{os.getpid()}", protocol=mqtt.MQTTv311)
    client.tls_set(ca_certs=str(creds.ca), certfile=str(creds.cert), keyfile=str(creds.key))
    client.connect(*env.mqtt)
    client.loop_start()
    client.publish("chempark/local/simulator", json.dumps(command), qos=1).wait_for_publish(10)
    client.disconnect()  # before loop_stop: the loop sends it and ends at once instead of after its 1 s select
    client.loop_stop()


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
    control(env, {"scenario": "chlorine_leak", "tag": tag, "rate_per_s": 0.012, "period_s": 1})
    t.ok("模拟器：液氯储罐区开始氯气泄漏（浓度按 0.012 ppm/s 上升，每秒上报）")

    def alarm(condition: str) -> Any:
        items = env.call("GET", f"/alarms?tag_id={tag}&open=true")["items"]
        return next((a for a in items if a["condition"] == condition), None)

    seen: dict[str, dict[str, Any]] = {}
    for condition, label in (("TREND", "趋势预警"), ("H", "高报警"), ("HH", "高高报警")):
        seen[condition] = wait_for(f"{condition} alarm", functools.partial(alarm, condition), timeout_s=150)
        a = seen[condition]
        extra = f"，预计 {a['detail']:.0f}s 后达到 H" if condition == "TREND" and a.get("detail") else ""
        t.ok(f"{label} {a['id']} 产生：值 {a['value']:.3f} ppm，优先级 {a['priority']}{extra}")
    if not seen["TREND"]["raised_at"] < seen["H"]["raised_at"] < seen["HH"]["raised_at"]:  # ISO-8601 UTC (ADR 0007)
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
    where = f"哈希链 seq {audit[0]['seq']}" if audit[0].get("seq") else "已持久保存，待定序入链"
    t.ok(f"审计日志记录了确认与搁置（操作人 {audit[0]['actor']}，{where}）")
    verify = env.call("GET", "/audit/verify", role="auditor")
    if not verify["ok"]:
        raise StepFailed(f"audit chain broken: {verify}")
    signed, pending = verify["checkpoint_seq"], verify["pending"]
    t.ok(f"审计哈希链校验通过（本次 {verify['checked']} 条，签名检查点 seq {signed}，待入链 {pending} 条）")
    return {"tag": tag, "installation_id": inst, "alarms": seen, "sensor": sensor}


def permit_scenario(env: Env, t: Timeline) -> str:
    """A 二级 hot-work permit beside the chlorine tanks (GB 30871-2022): refused without a gas analysis,
    started with one; the leak's alarm will suspend it (checked by `permit_suspended`)."""
    sensor = find_leak_sensor(env)
    eid, loc = sensor["enterprise_id"], sensor["location"]
    now = datetime.now(UTC)
    permit = env.call(
        "POST",
        "/work-permits",
        role=f"enterprise_manager:{eid}",
        body={
            "enterprise_id": eid,
            "type": "hot_work",
            "level": "level_2",
            "location": {"lat": loc["lat"] + 0.0001, "lon": loc["lon"]},
            "installation_id": sensor["installation_id"],
            "starts_at": (now - timedelta(minutes=1)).isoformat(),
            "ends_at": (now + timedelta(hours=8)).isoformat(),
            "description": "液氯储罐区外管廊支架焊接",
            "guardian": {"name": "李监护", "phone": "13800000021"},
        },
    )
    pid = permit["id"]
    t.ok(f"特殊作业：二级动火作业票 {pid} 申请，审批部门 {permit['approval']['authority_label']}")
    env.call("POST", f"/work-permits/{pid}/approve", role=f"unit_supervisor:{eid}", body={"comment": "同意"})
    refused = env.call("POST", f"/work-permits/{pid}/start", role=f"enterprise_manager:{eid}", ok=(409,))
    t.ok(f"未做气体分析开始作业被拒绝：{refused['code']}（{refused['message']}）")
    analysis = {
        "sampled_at": (now - timedelta(minutes=5)).isoformat(),
        "analyst": "王分析",
        "results": [{"gas": "甲烷", "kind": "flammable", "value": 0.1, "unit": "%vol", "lel_pct": 5.0}],
    }
    env.call("POST", f"/work-permits/{pid}/gas-analyses", role=f"enterprise_manager:{eid}", body=analysis)
    started = env.call("POST", f"/work-permits/{pid}/start", role=f"enterprise_manager:{eid}")
    t.ok(f"气体分析合格（5 分钟前采样）后开始作业：状态 {started['state']}")
    return pid


def permit_suspended(env: Env, t: Timeline, pid: str) -> None:
    def suspended() -> Any:
        permit = env.call("GET", f"/work-permits/{pid}")["permit"]
        return permit if permit["state"] == "suspended" else None

    permit = wait_for("the hot-work permit to be suspended by the gas alarm", suspended, timeout_s=30)
    alarm = permit["suspension"]["alarm"]
    t.ok(f"氯气报警 {alarm['alarm_id']} 距作业点 {alarm['distance_m']} m：动火作业已自动暂停并短信通知监护人")


def warning_scenario(env: Env, t: Timeline, leak: dict[str, Any]) -> str:
    """The HH alarm's warning: verify -> grade -> draft -> approve -> publish -> feedback -> close (6.3.2, 6.3.3)."""
    sensor = leak["sensor"]
    eid = sensor["enterprise_id"]

    def open_warning() -> Any:
        items = env.call("GET", f"/warnings?enterprise_id={eid}")["items"]
        return next((w for w in items if w.get("tag_id") == leak["tag"] and w["awaiting"] == "verification"), None)

    w = wait_for("warning verification to start", open_warning, timeout_s=60)
    wid = w["id"]
    detail = env.call("GET", f"/warnings/{wid}")["warning"]
    assignees = "、".join(a["name"] for a in detail.get("assignees", [])) or "值守人员"
    t.ok(
        f"报警触发预警核实 {wid}：{detail['title']}，优先级 {detail['priority']}，"
        f"关联报警 {len(detail['alarm_ids'])} 条，指派 {assignees}，核实时限 {detail['verify_limit_s']}s"
    )
    env.call(
        "POST",
        f"/warnings/{wid}/verification",
        role="duty_officer",
        body={
            "outcome": "confirmed",
            "level": "orange",
            "method": ["video", "trend", "enterprise_call"],
            "impact": "液氯储罐区氯气泄漏，下风向 500 m 内需警戒",
        },
    )
    t.ok("值班员经视频复核、趋势分析并电话确认企业：确认为橙色预警")

    def step(name: str) -> Any:
        data = env.call("GET", f"/warnings/{wid}")
        return data if data["warning"]["awaiting"] == name else None

    drafts = wait_for("publication drafts", lambda: step("approval"), timeout_s=30)["warning"]["drafts"]
    t.ok(f"已按受众拟稿：{', '.join(d['audience'] + '(' + '/'.join(d['channels']) + ')' for d in drafts)}")
    sqs, url = tap_topic(env, "CHEMPARK_TOPIC_NOTIFICATIONS_ARN")
    env.call("POST", f"/warnings/{wid}/approval", role="commander", body={"decision": "approve", "comment": "同意发布"})
    tracked = wait_for("publication", lambda: step("tracking"), timeout_s=30)["warning"]
    ok = [f"{p['audience']}/{p['channel']}" for p in tracked["publication"] if p["ok"]]
    t.ok(f"应急指挥审批通过，已发布 {len(ok)} 个渠道：{', '.join(ok)}")
    texts = [s for s in sms_sent(env, eid) if s["kind"] == "warning" and s["ref"].startswith(wid)]
    if not texts:
        raise StepFailed("no warning SMS was sent")
    t.ok(f"预警短信 {len(texts)} 条，例：{texts[0]['phone']} ← {texts[0]['text']}")
    fanout = wait_for("SNS fan-out", lambda: drain(sqs, url) or None, timeout_s=20)
    t.ok(f"SNS 通知主题发布 {len(fanout)} 条（channel={sorted({m['attrs']['channel'] for m in fanout})}）")
    manager = next(k for k in env.tokens if k == f"enterprise_manager:{eid}")
    env.call(
        "POST", f"/warnings/{wid}/feedback", role=manager, body={"text": "已关闭进料阀并堵漏", "measures": "堵漏、喷淋"}
    )
    t.ok("企业安全负责人反馈处置情况")
    return wid


def close_warning(env: Env, t: Timeline, wid: str) -> None:
    env.call("POST", f"/warnings/{wid}/close", role="duty_officer", body={"reason": "现场浓度恢复正常，风险解除"})
    final = wait_for(
        "closure",
        lambda: (d := env.call("GET", f"/warnings/{wid}"))["warning"]["status"] == "closed" and d,
        timeout_s=30,
    )
    t.ok("预警闭环关闭。时间线：")
    start = datetime.fromisoformat(final["timeline"][0]["ts"])
    for e in final["timeline"]:
        offset = (datetime.fromisoformat(e["ts"]) - start).total_seconds()
        print(f"             +{offset:6.1f}s  {e['action']:<22} {e['actor']}", flush=True)
    audit = env.call("GET", f"/audit/records?target={wid}", role="auditor")["items"]
    t.ok(f"预警处置全过程已入审计日志（{len(audit)} 条：{', '.join(sorted({a['action'] for a in audit}))}）")


def hidden_danger_scenario(env: Env, t: Timeline, leak: dict[str, Any]) -> None:
    """A major hidden danger through 督办 to acceptance (5.1.2-3, docs/prevention.md)."""
    eid = leak["sensor"]["enterprise_id"]
    manager = f"enterprise_manager:{eid}"
    soon = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 7 * 86400))
    danger = env.call(
        "POST",
        "/hidden-dangers",
        role="inspector",
        body={
            "enterprise_id": eid,
            "title": "液氯充装未使用万向管道充装系统",
            "source": "specialist",
            "category": "equipment",
            "description": "液氯槽车充装仍使用金属软管",
            "major_criteria": [7],
            "handling": "deadline",
            "deadline": soon,
            "liable_person": {"name": "企业安全总监", "phone": "13600000199"},
        },
    )
    hid = danger["id"]
    t.ok(f"巡检登记隐患 {hid}：勾选 121号第7项，判定为{'重大' if danger['level'] == 'major' else '一般'}隐患")
    orders = env.call("GET", f"/supervision-orders?enterprise_id={eid}&state=open&limit=200")["items"]
    order = next(o for o in orders if o["danger_id"] == hid)
    texts = [s for s in sms_sent(env, eid) if s["kind"] == "supervision" and s["ref"] == order["id"]]
    t.ok(f"自动挂牌督办 {order['id']}，短信通知 {len(texts)} 人（责任人、园区安全管理部门）")
    plan = {
        "measures": "改造为万向管道充装系统",
        "responsible": "设备部",
        "deadline": soon,
        "cost": 180000,
        "goal": "液氯充装全部使用万向管道",
        "funds": "安全生产费用列支",
        "organisation": "设备部 + 生产部",
        "safety_measures": "改造期间停止液氯充装",
    }
    env.call("POST", f"/supervision-orders/{order['id']}/respond", role=manager, body={"progress": "已制定治理方案"})
    env.call("POST", f"/hidden-dangers/{hid}/plan", role=manager, body=plan)
    env.call("POST", f"/hidden-dangers/{hid}/submit", role=manager, body={"summary": "万向管道充装系统已投用"})
    refused = requests.post(
        f"{env.api}/hidden-dangers/{hid}/accept",
        json={"comment": "自验收"},
        headers={"Authorization": f"Bearer {env.tokens[manager]}"},
        timeout=30,
    ).json()
    t.ok(f"企业反馈、制定治理方案并提交整改；企业自行验收被拒绝：{refused['code']}")
    accepted = env.call("POST", f"/hidden-dangers/{hid}/accept", body={"comment": "园区现场验收合格，予以销号"})
    closed = env.call("GET", f"/hidden-dangers/{hid}")["orders"][0]["state"]
    sent = env.call("GET", f"/hidden-dangers/{hid}/regulator-messages")["items"]
    t.ok(
        f"园区验收销号：{accepted['state']}，督办单 {closed}；"
        f"报送监管平台 {len(sent)} 条（dangerState {[m['record']['dangerState'] for m in sent]}）"
    )


def profile_scenario(env: Env, t: Timeline, leak: dict[str, Any]) -> None:
    """The enterprise risk profile and a risk notice through acknowledgement to closure (5.1.2-2, 5.1.2-3)."""
    eid = leak["sensor"]["enterprise_id"]
    manager = f"enterprise_manager:{eid}"
    profile = env.call("GET", f"/risk/enterprises/{eid}/profile")
    scored = "、".join(f"{c['label']}{c['points']}分" for c in profile["contributions"] if c["points"])
    t.ok(f"企业风险画像：{profile['score']} 分，{profile['label']}（{scored or '无计分项'}）")
    body = {
        "enterprise_id": eid,
        "title": "液氯储罐区氯气泄漏后复查",
        "content": "请复查储罐区密封并加密巡检",
        "level": "orange",
    }
    notice = env.call("POST", "/risk-notices", body=body)
    texts = [s for s in sms_sent(env, eid) if s["kind"] == "risk_notice" and s["ref"] == notice["id"]]
    unacked = env.call("GET", f"/risk-notices?enterprise_id={eid}&unacknowledged=true")["items"]
    t.ok(f"园区发出风险提示 {notice['id']}，短信通知 {len(texts)} 人；待确认 {len(unacked)} 条")
    env.call("POST", f"/risk-notices/{notice['id']}/ack", role=manager, body={"comment": "已收到"})
    closed = env.call("POST", f"/risk-notices/{notice['id']}/close", role=manager, body={"response": "已复查，无泄漏"})
    t.ok(f"企业确认并反馈处置情况：{closed['state']}")


def run_sweep(env: Env, handler: str) -> Any:
    """Run a scheduled sweep Lambda (`onduty_sweep`, `patrol_sweep`...) now rather than at its next 5-minute tick,
    with the scheduler's own event; its counts."""
    from local.provision import function_name
    from local.scheduler import scheduled_event

    reply = _aws(env, "lambda").invoke(FunctionName=function_name(handler), Payload=json.dumps(scheduled_event()))
    body = json.loads(reply["Payload"].read() or b"null")
    if reply.get("FunctionError"):
        raise StepFailed(f"{handler} failed: {body}")
    return body


def onduty_scenario(env: Env, t: Timeline) -> None:
    """A vacant shift leader (人员在岗在位, 5.1.2-1, docs/onduty.md): the chlorine tank farm's shift began 30 min
    ago and its rostered leader has not arrived, so the sweep raises a post_vacant alarm; checking in clears it."""
    sensor = find_leak_sensor(env)
    eid, manager = sensor["enterprise_id"], f"enterprise_manager:{sensor['enterprise_id']}"
    start = datetime.now(UTC) + timedelta(hours=8) - timedelta(minutes=30)  # park local time, UTC+8
    shift = {
        "id": "demo",
        "name": "演示班",
        "start": start.strftime("%H:%M"),
        "end": (start + timedelta(hours=8)).strftime("%H:%M"),
    }
    post = env.call(
        "POST",
        "/onduty/posts",
        role=manager,
        body={
            "enterprise_id": eid,
            "name": "液氯储罐区当班班长",
            "kind": "shift_leader",
            "installation_id": sensor["installation_id"],
            "shifts": [shift],
        },
    )
    leader = {"person_id": "emp-chl-leader", "name": "赵班长", "phone": "13600000105"}
    day = {"date": start.date().isoformat(), "shift_id": "demo", "people": [leader]}
    env.call("PUT", f"/onduty/posts/{post['id']}/roster", role=manager, body={"assignments": [day]})
    run_sweep(env, "onduty_sweep")
    alarms = env.call("GET", f"/alarms?source=onduty&enterprise_id={eid}&limit=200")["items"]
    alarm = next(a for a in alarms if a["details"].get("post_id") == post["id"])
    t.ok(f"关键岗位空岗报警 {alarm['id']}（{alarm['priority']}）：{alarm['title']}")
    where = {"lat": sensor["location"]["lat"], "lon": sensor["location"]["lon"]}
    env.call(
        "POST",
        "/onduty/check-ins",
        role=manager,
        body={"post_id": post["id"], "person_id": "emp-chl-leader", "location": where},
    )
    run_sweep(env, "onduty_sweep")
    status = env.call("GET", f"/onduty/status?enterprise_id={eid}")["posts"]
    state = next(p for p in status if p["post_id"] == post["id"])["state"]
    after = env.call("GET", f"/alarms/{alarm['id']}")["alarm"]
    t.ok(f"赵班长到岗签到：岗位状态 {state}，空岗报警恢复（active={after['active']}，state={after['state']}）")


WORKERS = [
    ("emp-chl-01", "赵操作", "13600000101", 0.0002, 0.0001),
    ("emp-chl-02", "钱巡检", "13600000102", -0.0003, 0.0004),
    ("emp-chl-03", "孙维修", "13600000103", 0.0006, -0.0002),
    ("emp-far-01", "周文员", "13600000104", -0.0300, -0.0400),
]


def incident_scenario(env: Env, t: Timeline, leak: dict[str, Any], wid: str) -> None:
    """The confirmed leak becomes an incident: plan, zones, linkage commands, evacuation, instructions, archive."""
    import datetime as dt

    sensor = leak["sensor"]
    inst = env.call("GET", f"/installations/{sensor['installation_id']}")
    for pid, name, phone, dlat, dlon in WORKERS:  # the badge system reports who is where
        env.call(
            "POST",
            "/people/positions",
            role="integration",
            body={
                "person_id": pid,
                "name": name,
                "phone": phone,
                "lat": inst["location"]["lat"] + dlat,
                "lon": inst["location"]["lon"] + dlon,
                "enterprise_id": sensor["enterprise_id"],
                "source": "badge",
                "ts": dt.datetime.now(dt.UTC).isoformat(),
            },
        )
    t.ok(f"门禁定位系统上报 {len(WORKERS)} 名人员位置")
    inc = env.call(
        "POST",
        "/incidents",
        role="duty_officer",
        body={"warning_id": wid, "release_rate_kg_s": 0.5, "reporter": "值守人员张值守"},
    )
    iid = inc["id"]
    t.ok(f"已确认预警转为应急事件 {iid}：{inc['title']}，{inc['level']} 级响应")
    env.call("POST", f"/incidents/{iid}/activate", role="commander")

    def ready() -> Any:
        data = env.call("GET", f"/incidents/{iid}")
        return data if data["incident"]["awaiting_stand_down"] else None

    data = wait_for("emergency response to be under way", ready, timeout_s=90)
    incident = data["incident"]
    t.ok(
        f"一键启动：匹配预案《{(incident.get('plan') or {}).get('name', '无')}》，通知单位 "
        f"{'、'.join(u['name'] for u in incident['units'])}"
    )
    zones = (incident.get("impact") or {}).get("zones", [])
    t.ok(
        "影响范围（{}）：".format(incident["impact"]["weather"]["source"])
        + "；".join(f"{z['level']} {z['threshold_ppm']}ppm 下风向 {z['downwind_m']:.0f} m" for z in zones)
        + f"；初始隔离半径 {incident['impact']['isolation_radius_m']:.0f} m"
    )
    situation = incident["situation"]
    t.ok(
        f"态势汇集：摄像机 {len(situation['cameras'])}、测点 {len(situation['sensors'])}、周边危险源 "
        f"{len(situation['hazards'])}、应急资源 {len(situation['resources'])}；调派 "
        f"{'、'.join(r['name'] for r in incident.get('dispatched_resources', []))}"
    )
    commands = wait_for(
        "linkage commands to be acknowledged",
        lambda: (
            (items := env.call("GET", f"/linkage/commands?incident_id={iid}")["items"])
            and all(c["status"] != "sent" for c in items)
            and items
        ),
        timeout_s=60,
    )
    t.ok(
        f"泄漏联动指令 {len(commands)} 条："
        + "；".join(f"{c['device_id']} {c['action']} → {c['status']}" for c in commands)
    )
    evac = env.call("GET", f"/incidents/{iid}/evacuation", role="commander")
    if not evac["notified"]:
        raise StepFailed("nobody in the zone was told to evacuate")
    first = evac["people"][0] if "people" in evac else None
    t.ok(f"疏散指令已推送 {evac['notified']} 人（区域外人员未打扰）")
    if first:
        env.call("POST", f"/incidents/{iid}/evacuation/ack", role="integration", body={"person_id": first["person_id"]})
        t.ok(f"{first['name']} 在手机上确认撤离")
    fire = next(u["name"] for u in incident["units"] if "消防" in u["name"])
    env.call("POST", f"/incidents/{iid}/units/ack", role="commander", body={"unit": fire})
    t.ok(f"{fire} 确认响应就位")
    task = data["instructions"][0]
    for status, text in (("received", "已接收"), ("executing", "已到场堵漏"), ("done", "泄漏点已封堵")):
        env.call(
            "POST",
            f"/incidents/{iid}/instructions/{task['id']}/status",
            role="inspector",
            body={"status": status, "feedback": text},
        )
    t.ok(f"预案任务「{task['content']}」反馈：已接收 → 执行中 → 已完成")
    env.call(
        "POST",
        f"/incidents/{iid}/instructions",
        role="commander",
        body={
            "recipients": [{"name": "园区环境监测站", "role": "环境监测", "phone": "13800000024"}],
            "content": "每 10 分钟报告一次下风向厂界氯气浓度",
        },
    )
    t.ok("指挥长下达补充指令：下风向厂界加密监测")
    env.call(
        "POST", f"/incidents/{iid}/stand-down", role="commander", body={"summary": "泄漏已封堵，浓度恢复正常，终止响应"}
    )
    done = wait_for(
        "archive", lambda: (d := env.call("GET", f"/incidents/{iid}"))["incident"].get("archive") and d, timeout_s=120
    )
    report = env.call("GET", f"/incidents/{iid}/report", role="commander")
    m = report["metrics"]
    t.ok(
        f"终止响应并归档：{done['incident']['archive']['report']}；首条指令 {m['time_to_first_instruction_s']}s，"
        f"资源调派 {m['resource_dispatch_s']}s，任务完成 {m['tasks_done']}/{m['tasks']}，"
        f"未响应单位 {len(m['units_unreachable'])}"
    )
    print("             " + "\n             ".join(report["report"].splitlines()[:8]), flush=True)


def gate_scenario(env: Env, t: Timeline) -> None:
    """Closed park (5.3.1): a black-listed tanker is denied at the park's hazmat gate, the barrier is told, and
    the duty officer gets an alarm at the gate's location (docs/closed-park.md)."""
    park = env.call("GET", "/park")["location"]
    gate = env.call(
        "POST",
        "/gates",
        body={
            "name": "园区东危化品卡口",
            "kind": "hazmat",
            "location": {"lat": park["lat"] + 0.002, "lon": park["lon"] + 0.004},
            "devices": [{"id": f"gate-east-barrier-{int(time.time())}", "kind": "barrier"}],
        },
    )
    plate = f"苏E{int(time.time()) % 100000:05d}"
    env.call(
        "POST", "/access/lists", body={"list": "black", "kind": "vehicle", "value": plate, "reason": "多次违规停放"}
    )
    event = {
        "event_id": f"demo-{int(time.time() * 1000)}",
        "gate_id": gate["id"],
        "direction": "in",
        "at": datetime.now(UTC).isoformat(),
        "method": "plate",
        "plate": plate,
    }
    result = env.call("POST", "/access/events", role="duty_officer", body={"events": [event]})["results"][0]
    if result["decision"] != "alarm" or result["reasons"] != ["BLACK_LISTED"]:
        raise StepFailed(f"black-listed vehicle not stopped: {result}")
    t.ok(f"封闭化管理：黑名单车辆 {plate} 在{gate['name']}被拦截（{result['decision']}，{result['reasons'][0]}）")
    ref = f"gate:{gate['id']}:{event['event_id']}"
    commands = env.call("GET", f"/linkage/commands?incident_id={ref}")["items"]
    if [c["command"] for c in commands] != ["gate_deny"]:
        raise StepFailed(f"no gate_deny command for {ref}: {commands}")
    t.ok(f"道闸指令 gate_deny 已下发：{commands[0]['topic']}")
    alarms = env.call("GET", "/alarms?source=access&kind=gate_blacklisted&limit=200")["items"]
    alarm = next(a for a in alarms if a["details"].get("plate") == plate)  # StopIteration fails the demo
    t.ok(f"卡口报警：{alarm['title']}（{alarm['priority']}，位置 {alarm['lat']:.4f},{alarm['lon']:.4f}）")


def main() -> int:
    print("chempark-safety demo: 液氯储罐区氯气泄漏", flush=True)
    t = Timeline()
    env: Env | None = None
    try:
        env = connect()
        health = env.call("GET", "/health")
        t.ok(f"服务健康：{health['status']}（版本 {health['version']}）")
        permit = permit_scenario(env, t)
        leak = alarm_scenario(env, t)
        permit_suspended(env, t, permit)
        wid = warning_scenario(env, t, leak)
        incident_scenario(env, t, leak, wid)
        close_warning(env, t, wid)
        hidden_danger_scenario(env, t, leak)
        profile_scenario(env, t, leak)
        onduty_scenario(env, t)
        from local.demo_patrol import patrol_scenario  # it imports this module's helpers

        patrol_scenario(env, t, leak)
        gate_scenario(env, t)
        from local.demo_vehicles import vehicle_scenario  # it imports this module's helpers

        vehicle_scenario(env, t, find_leak_sensor(env))
    except (StepFailed, StopIteration, KeyError, requests.RequestException) as exc:
        t.fail(f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):  # the stack may not be up at all
            if env is not None:
                control(env, {"scenario": "stop"})
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
