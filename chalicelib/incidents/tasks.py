"""The emergency-response workflow's task actions (stepfunctions/emergency_response.asl.json)."""

from __future__ import annotations

from typing import Any

import orjson

from chalicelib.core import aws, catalog, clock
from chalicelib.core.geo import nearest
from chalicelib.core.identity import SYSTEM, Identity, Role
from chalicelib.incidents import domain, messaging, service
from chalicelib.incidents.service import load, log, update

PLAN = Identity(subject="system:plan", roles=frozenset({Role.COMMANDER}), name="预案")
SITUATION_RADIUS_M = 1000
HAZARD_RADIUS_M = 2000
DEFAULT_WEATHER = {"wind_speed_m_s": 2.0, "wind_from_deg": 90.0, "stability_class": "D"}


def notify(incident_id: str) -> None:
    """Call out the commanders and units the plan names (6.4.2-2)."""
    incident = load(incident_id).data()
    from chalicelib.duty import service as duty

    chain = duty.escalation_chain()
    commanders = [
        {"name": p["name"], "role": "值班长" if i == 1 else "园区安全负责人", "phone": p["phone"]}
        for i, level in enumerate(chain[1:], start=1)
        for p in level
    ]
    plan = incident.get("plan") or {}
    rank = {level: i for i, level in enumerate(("I", "II", "III", "IV"))}
    called = [
        {"name": n["name"], "role": n.get("role", ""), "phone": n.get("phone")}
        for n in plan.get("notifications", [])
        if rank[incident["level"]] <= rank.get(n.get("min_level", "IV"), 3)
    ]  # from min_level upwards
    now = clock.now_ms()
    # Units must confirm they are on their way (checked after limits.ack_s); commanders are told, not polled.
    units = [{**p, "status": "notified", "notified_ms": now} for p in {p["name"]: p for p in called}.values()]
    text = f"【应急响应启动】{incident['title']}（{incident['level']}级响应），请立即按预案就位并在系统中确认响应。"
    sent = messaging.notify(incident_id, units + commanders, text, incident)
    update(incident_id, lambda d: d.update(units=units, commanders=[c["name"] for c in commanders]))
    log(
        incident_id,
        "notice",
        "system",
        f"通知指挥人员 {len(commanders)} 名、联动单位 {len(units)} 个（送达 {sent}）",
        units=[u["name"] for u in units],
    )


def situation(incident_id: str) -> None:
    """Assemble the situation (6.4.2-3): cameras, live sensor data, hazard sources, resources nearby."""
    from chalicelib.registry import service as registry
    from chalicelib.resources import service as resources
    from chalicelib.telemetry import snapshots

    incident = load(incident_id).data()
    lat, lon = incident["place"]["lat"], incident["place"]["lon"]

    def everything(kind: Any) -> list[dict[str, Any]]:
        out, cursor = [], None
        while True:
            items, cursor = registry.list_page(kind, SYSTEM, None, 200, cursor)
            out += items
            if not cursor:
                return out

    where = lambda e: (e["location"]["lat"], e["location"]["lon"])  # noqa: E731
    cameras = nearest(everything(registry.CAMERA), lat, lon, where, limit=6, within_m=SITUATION_RADIUS_M)
    sensors = nearest(everything(registry.SENSOR), lat, lon, where, limit=20, within_m=SITUATION_RADIUS_M)
    values = snapshots.last_values([s["id"] for _, s in sensors], {s["enterprise_id"] for _, s in sensors})
    hazards = nearest(everything(registry.INSTALLATION), lat, lon, where, limit=10, within_m=HAZARD_RADIUS_M)
    picture: dict[str, Any] = {
        "at": clock.now_ms(),
        "cameras": [
            {"id": c["id"], "name": c["name"], "ptz": c.get("ptz"), "distance_m": round(d)} for d, c in cameras
        ],
        "sensors": [
            {
                "id": s["id"],
                "name": s["name"],
                "unit": s["unit"],
                "distance_m": round(d),
                "current": values.get(s["id"]),
            }
            for d, s in sensors
        ],
        "hazards": [
            {
                "id": h["id"],
                "name": h["name"],
                "grade": h.get("grade"),
                "distance_m": round(d),
                "chemicals": [i["chemical"] for i in h.get("inventory", [])],
            }
            for d, h in hazards
        ],
        "resources": resources.nearest(lat, lon, n=10, within_m=5000),
    }
    update(incident_id, lambda d: d.update(situation=picture))
    log(
        incident_id,
        "situation",
        "system",
        f"态势汇集：摄像机 {len(picture['cameras'])}、测点 {len(picture['sensors'])}、"
        f"危险源 {len(picture['hazards'])}、应急资源 {len(picture['resources'])}",
    )


def _weather(situation: dict[str, Any]) -> dict[str, Any]:
    """Wind from the park's weather station when it reports, else a cautious default (stated in assumptions)."""
    weather, source = dict(DEFAULT_WEATHER), "默认气象条件"
    for s in situation.get("sensors", []):
        value = (s.get("current") or {}).get("value")
        if value is None:
            continue
        if s["unit"] == "m/s":
            weather["wind_speed_m_s"], source = max(0.5, float(value)), "园区气象站"
        elif s["unit"] in ("°", "deg"):
            weather["wind_from_deg"] = float(value) % 360
    return {**weather, "source": source}


def impact(incident_id: str) -> None:
    """Impact range (6.4.2-3): Gaussian plume AEGL zones for a toxic release, isolation radius."""
    from chalicelib.emergency import plume

    incident = load(incident_id).data()
    if incident["type"] not in ("leak", "poisoning") or not incident.get("chemical"):
        log(incident_id, "impact", "system", "非有毒物质泄漏，未做扩散估算（按预案设定警戒范围）")
        return
    weather = _weather(incident.get("situation") or {})
    place = incident["place"]
    try:
        est = plume.estimate(
            incident["chemical"],
            release_rate_kg_s=incident.get("release_rate_kg_s") or 1.0,
            wind_speed_m_s=weather["wind_speed_m_s"],
            wind_from_deg=weather["wind_from_deg"],
            stability_class=weather["stability_class"],
            terrain="rural",
            source_lat=place["lat"],
            source_lon=place["lon"],
        )
    except Exception as exc:  # an unsupported chemical must not stop the response
        log(incident_id, "impact", "system", f"扩散估算失败：{exc}")
        return
    zones = [
        {
            "level": z.level,
            "threshold_ppm": z.threshold_ppm,
            "downwind_m": z.downwind_m,
            "max_halfwidth_m": z.max_halfwidth_m,
            "polygon": z.polygon,
        }
        for z in est.zones
    ]
    result = {
        "zones": zones,
        "isolation_radius_m": est.isolation_radius_m,
        "assumptions": est.assumptions,
        "weather": weather,
    }
    update(incident_id, lambda d: d.update(impact=result))
    log(
        incident_id,
        "impact",
        "system",
        "影响范围：" + "；".join(f"{z['level']} 下风向 {z['downwind_m']:.0f} m" for z in zones),
    )


def linkage(incident_id: str) -> None:
    """Linkage rules (5.4.3-2): cameras, doors, exits, ventilation, evacuation push, big-screen highlight."""
    from chalicelib.linkage import service as linkage_service

    incident = load(incident_id).data()
    impact_ = incident.get("impact") or {}
    result = linkage_service.trigger(
        {
            "incident_id": incident_id,
            "type": incident["type"],
            "level": domain.LEVEL_TO_WARNING[domain.Level(incident["level"])],
            "enterprise_id": incident["enterprise_id"],
            "installation_id": incident.get("installation_id"),
            "source": {"lat": incident["place"]["lat"], "lon": incident["place"]["lon"]},
            "zones": impact_.get("zones", []),
            "isolation_radius_m": impact_.get("isolation_radius_m", 100.0),
            "drill": bool(incident.get("drill")),
            "faults": incident.get("faults", []),
        }
    )
    evacuation = result.get("evacuation") or {}
    update(
        incident_id,
        lambda d: d.update(
            linkage={"rules": result.get("rules", []), "commands": len(result.get("commands", []))},
            evacuation_counts={
                "notified": evacuation.get("notified", 0),
                "acknowledged": evacuation.get("acknowledged", 0),
            },
        ),
    )
    log(
        incident_id,
        "linkage",
        "system",
        f"联动规则 {len(result.get('rules', []))} 条，设备指令 "
        f"{len(result.get('commands', []))} 条，疏散通知 {evacuation.get('notified', 0)} 人",
    )


def dispatch(incident_id: str) -> None:
    """Task dispatch (6.4.3-2): the plan's tasks become instructions; nearest teams and vehicles are deployed."""
    from chalicelib.resources import service as resources

    incident = load(incident_id).data()
    plan = incident.get("plan") or {}
    contacts = {n["role"]: n for n in plan.get("notifications", [])} | {
        n["name"]: n for n in plan.get("notifications", [])
    }
    for task in plan.get("tasks", []):
        unit = task.get("responsible") or "现场指挥部"
        contact = contacts.get(unit, {})
        recipients = [{"name": unit, "role": contact.get("role", ""), "phone": contact.get("phone")}]
        content = f"{task['title']}（{task.get('due_minutes', 0)} 分钟内完成）"
        service.instruct(incident_id, PLAN, recipients, content, task=task["title"])
    place = incident["place"]
    deployed = []
    for r in resources.nearest(
        place["lat"], place["lon"], n=3, kinds=["team", "vehicle", "medical_point"], within_m=10000
    ):
        if r.get("status") == "available":
            resources.set_status(r["id"], "deployed", incident_id)
            deployed.append({"id": r["id"], "name": r["name"], "kind": r["kind"], "distance_m": r.get("distance_m")})
    update(incident_id, lambda d: d.update(dispatched_ms=clock.now_ms(), dispatched_resources=deployed))
    log(
        incident_id,
        "event",
        "system",
        f"派发预案任务 {len(plan.get('tasks', []))} 项，调派资源 {len(deployed)} 个",
        resources=[r["name"] for r in deployed],
    )


def await_stand_down(incident_id: str, token: str) -> None:
    update(incident_id, lambda d: None, token=token)


def check_acks(incident_id: str) -> None:
    """Units that did not acknowledge in time are unreachable: escalate (6.4.2-2)."""
    missing: list[str] = []

    def change(d: dict[str, Any]) -> None:
        for u in d.get("units", []):
            if not u.get("acked_ms"):
                u["status"] = "unreachable"
                missing.append(u["name"])

    incident = update(incident_id, change)
    if missing:
        from chalicelib.duty import service as duty

        heads = [{"name": p["name"], "role": "园区安全负责人", "phone": p["phone"]} for p in duty.escalation_chain()[2]]
        messaging.notify(
            f"{incident_id}:unreachable",
            heads,
            f"【单位未响应】{incident['title']}：{'、'.join(missing)} 未确认响应，请启用备用联络方式。",
            incident,
        )
    log(
        incident_id,
        "notice",
        "system",
        f"响应确认检查：未响应 {len(missing)} 个" + (f"（{'、'.join(missing)}）" if missing else ""),
    )


def archive(incident_id: str) -> None:
    """Close and archive (5.2.2-4, 6.4.4): the JSON record and the zh-CN report in S3; the audit log notes it."""
    from chalicelib.audit.service import AuditEntry, append

    update(incident_id, lambda d: d.update(closed_ms=clock.now_ms()), status=domain.Status.CLOSED.value, token=None)
    incident = load(incident_id).data()
    record = {
        "incident": incident,
        "instructions": service.instructions(incident_id),
        "log": service.replay(incident_id),
    }
    record["metrics"] = domain.metrics(incident, record["instructions"])
    record["findings"] = domain.findings(record["metrics"])
    year = clock.iso(incident["created_ms"])[:4]
    base = f"{'drills' if incident.get('drill') else 'incidents'}/{year}/{incident_id}"
    s3, bucket = aws.client("s3"), catalog.bucket_name("reports")
    s3.put_object(
        Bucket=bucket,
        Key=f"{base}.json",
        ContentType="application/json",
        Body=orjson.dumps(record, default=str, option=orjson.OPT_INDENT_2),
    )
    s3.put_object(
        Bucket=bucket, Key=f"{base}.md", ContentType="text/markdown; charset=utf-8", Body=domain.report(record).encode()
    )
    append(
        AuditEntry(
            actor="system",
            action="incidents.archive",
            target=incident_id,
            result="ok",
            enterprise_id=incident["enterprise_id"],
            details={"archive": f"{base}.json"},
        )
    )
    log(incident_id, "event", "system", f"应急指挥档案已归档：{base}.json / .md")
    # Last: whoever sees the archive keys can rely on the files and the audit record being there.
    update(
        incident_id,
        lambda d: d.update(archive={"json": f"{base}.json", "report": f"{base}.md"}, metrics=record["metrics"]),
    )


def run(event: dict[str, Any]) -> dict[str, Any]:
    action, incident_id = event["action"], event["id"]
    steps = {
        "notify": notify,
        "situation": situation,
        "impact": impact,
        "linkage": linkage,
        "dispatch": dispatch,
        "check_acks": check_acks,
        "archive": archive,
    }
    if action == "await":
        await_stand_down(incident_id, event["token"])
    elif action == "remind":
        log(incident_id, "notice", "system", "提醒：应急响应仍在进行，如已处置完毕请终止响应")
    elif action in steps:
        steps[action](incident_id)
    else:
        raise ValueError(f"unknown incident task action {action!r}")
    return {"ok": True}
