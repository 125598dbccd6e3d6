"""Demo park seeded through the API itself (validated and audited like any client): 3 enterprises,
6 major hazard installations with inventories, sensors (process, gas, environment), cameras, gateways.
Each registered gateway gets its X.509 certificate from the local CA (`.local/devices/<gateway_id>/`), and
the park's own actuators (broadcast, boards) a gateway identity of `_park` (docs/device-identity.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.pki import Pki

PARK_CENTRE = (31.9500, 120.9000)


@dataclass
class Seeded:
    enterprise_ids: list[str] = field(default_factory=list)
    installations: int = 0
    sensors: int = 0
    cameras: int = 0
    gateways: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # gateway -> sensor docs
    gateway_enterprise: dict[str, str] = field(default_factory=dict)
    # Gateways that only relay actuator commands (no registry entry, no telemetry): gateway -> enterprise.
    actuator_gateways: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # token key -> subject
    leak_tag: str = ""
    leak_installation: str = ""
    leak_enterprise: str = ""
    manager_phones: dict[str, str] = field(default_factory=dict)  # enterprise -> first manager phone


# (enterprise, [(installation, unit_type, people, offset(lat, lon), inventory, sensors)])
ENTERPRISES: list[dict[str, Any]] = [
    {
        "key": "CHL",
        "name": "华东氯碱化工有限公司",
        "credit": "91320600MA1PCA2H7K",
        "at": (0.0010, 0.0040),
        "manager": ("李安全", "13800000101"),
        "installations": [
            {
                "name": "液氯储罐区",
                "type": "storage",
                "people": 60,
                "at": (0.0012, 0.0042),
                "inventory": [{"chemical": "氯", "quantity_t": 20}],
                "sensors": [
                    ("AT-101", "液氯储罐区氯气探测器", "toxic", "ppm", "氯", None, "high"),
                    ("PT-101", "1#液氯储罐压力", "pressure", "MPa", None, {"h": 1.2, "hh": 1.4}, "high"),
                    ("TI-101", "1#液氯储罐温度", "temperature", "℃", None, {"h": 40, "hh": 45}, "medium"),
                    ("LI-101", "1#液氯储罐液位", "level", "%", None, {"ll": 10, "l": 15, "h": 85, "hh": 90}, "medium"),
                ],
            },
            {
                "name": "氯乙烯合成装置",
                "type": "production",
                "people": 30,
                "at": (0.0006, 0.0035),
                "inventory": [{"chemical": "氯乙烯", "quantity_t": 30}, {"chemical": "氯化氢", "quantity_t": 10}],
                "sensors": [
                    ("AT-201", "合成工段氯化氢探测器", "toxic", "ppm", "氯化氢", None, "high"),
                    ("GT-201", "氯乙烯可燃气体探测器", "combustible", "%LEL", "氯乙烯", None, "high"),
                    ("TI-201", "合成反应器温度", "temperature", "℃", None, {"h": 150, "hh": 165}, "high"),
                ],
            },
        ],
    },
    {
        "key": "NH3",
        "name": "江海合成氨有限公司",
        "credit": "91320600MA1NH3AM9X",
        "at": (-0.0030, -0.0020),
        "manager": ("王经理", "13800000102"),
        "installations": [
            {
                "name": "液氨储罐区",
                "type": "storage",
                "people": 120,
                "at": (-0.0032, -0.0025),
                "inventory": [{"chemical": "氨", "quantity_t": 200}],
                "sensors": [
                    ("AT-301", "液氨储罐区氨气探测器", "toxic", "ppm", "氨", None, "high"),
                    ("PT-301", "液氨球罐压力", "pressure", "MPa", None, {"h": 1.6, "hh": 1.8}, "high"),
                    ("LI-301", "液氨球罐液位", "level", "%", None, {"l": 10, "h": 85, "hh": 90}, "medium"),
                ],
            },
            {
                "name": "合成氨装置",
                "type": "production",
                "people": 40,
                "at": (-0.0026, -0.0015),
                "inventory": [{"chemical": "氢", "quantity_t": 2}, {"chemical": "氨", "quantity_t": 30}],
                "sensors": [
                    ("GT-401", "合成工段氢气可燃气体探测器", "combustible", "%LEL", "氢", None, "high"),
                    ("TI-401", "合成塔温度", "temperature", "℃", None, {"h": 480, "hh": 500}, "high"),
                    ("PT-401", "合成塔压力", "pressure", "MPa", None, {"h": 15, "hh": 16}, "high"),
                ],
            },
        ],
    },
    {
        "key": "LPG",
        "name": "滨江液化气储运有限公司",
        "credit": "91320600MA1LPG8T2Y",
        "at": (0.0025, -0.0045),
        "manager": ("赵站长", "13800000103"),
        "installations": [
            {
                "name": "液化石油气球罐区",
                "type": "storage",
                "people": 25,
                "at": (0.0027, -0.0048),
                "inventory": [{"chemical": "液化石油气", "quantity_t": 500}],
                "sensors": [
                    ("GT-501", "球罐区可燃气体探测器", "combustible", "%LEL", "液化石油气", None, "high"),
                    ("PT-501", "1#球罐压力", "pressure", "MPa", None, {"h": 1.5, "hh": 1.7}, "high"),
                    ("TI-501", "1#球罐温度", "temperature", "℃", None, {"h": 40, "hh": 45}, "medium"),
                ],
            },
            {
                "name": "氢气充装站",
                "type": "storage",
                "people": 10,
                "at": (0.0020, -0.0040),
                "inventory": [{"chemical": "氢", "quantity_t": 10}],
                "sensors": [
                    ("GT-601", "充装间氢气探测器", "combustible", "%LEL", "氢", None, "high"),
                    ("PT-601", "长管拖车压力", "pressure", "MPa", None, {"h": 20, "hh": 22}, "high"),
                ],
            },
        ],
    },
]

# Park boundary environment monitoring (environment=True): shown in every alarm's linkage context.
ENVIRONMENT = [
    ("ENV-WS-1", "园区气象站风速", "wind_speed", "m/s", None),
    ("ENV-WD-1", "园区气象站风向", "wind_direction", "°", None),
    ("ENV-AT-1", "东厂界氯气监测点", "toxic", "ppm", "氯"),
    ("ENV-AT-2", "南厂界氨气监测点", "toxic", "ppm", "氨"),
]


DUTY = {
    "officers": [{"subject": "demo-duty_officer", "name": "张值守", "phone": "13800000011"}],
    "supervisor": {"subject": "demo-commander", "name": "李值班长", "phone": "13800000012"},
    "safety_head": {"subject": "demo-park_admin", "name": "王安全", "phone": "13800000013"},
}


def roster(days: int = 7) -> dict[str, Any]:
    """Day and night shifts (park local time, UTC+8) staffed by the demo accounts, from yesterday on."""
    import datetime as dt

    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    dates = [(today + dt.timedelta(days=d)).isoformat() for d in range(-1, days)]
    return {
        "shifts": [
            {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
            {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"},
        ],
        "assignments": [{"date": d, "shift_id": s, **DUTY} for d in dates for s in ("day", "night")],
    }


def emergency(call: Any, out: Seeded, lat0: float, lon0: float) -> None:
    """Emergency resources, a park leak plan, and actuators around the liquid-chlorine tank farm."""

    def at(dlat: float, dlon: float) -> dict[str, float]:
        return {"lat": round(lat0 + dlat, 6), "lon": round(lon0 + dlon, 6)}

    for body in (
        {
            "kind": "team",
            "name": "园区专职消防救援站",
            "location": at(0.0005, 0.0010),
            "contact": {"name": "陈站长", "phone": "13800000021"},
            "details": {"members": 36, "specialties": ["危化品堵漏", "消防"]},
        },
        {
            "kind": "vehicle",
            "name": "危化品抢险救援车",
            "location": at(0.0005, 0.0011),
            "details": {"plate": "苏F·X1234", "vehicle_type": "危化品抢险车", "seats": 6},
        },
        {
            "kind": "vehicle",
            "name": "水罐消防车",
            "location": at(0.0006, 0.0010),
            "details": {"plate": "苏F·X5678", "vehicle_type": "消防车", "seats": 6},
        },
        {
            "kind": "medical_point",
            "name": "园区急救站",
            "location": at(-0.0010, 0.0020),
            "contact": {"name": "刘医生", "phone": "13800000022"},
            "details": {"beds": 8, "services": ["急救", "洗消", "中毒救治"]},
        },
        {
            "kind": "shelter",
            "name": "园区应急避难场所（体育馆）",
            "location": at(-0.0040, 0.0080),
            "details": {"capacity": 800, "occupancy": 0, "area_m2": 3200},
        },
        {
            "kind": "supply",
            "name": "正压式空气呼吸器",
            "location": at(0.0005, 0.0010),
            "details": {"quantity": 20, "unit": "套", "wear_threshold": 200, "usage_count": 12},
        },
    ):
        call("POST", "/resources", body)
    call(
        "POST",
        "/plans",
        {
            "name": "园区危险化学品泄漏事故专项应急预案",
            "accident_types": ["leak", "poisoning"],
            "levels": ["I", "II", "III", "IV"],
            "tasks": [
                {"title": "关闭泄漏源上下游阀门，实施堵漏", "responsible": "消防救援", "due_minutes": 10},
                {"title": "下风向设置警戒区，组织人员疏散", "responsible": "治安疏散", "due_minutes": 10},
                {"title": "设立洗消点，救治中毒人员", "responsible": "医疗救护", "due_minutes": 20},
                {"title": "在厂界及下风向开展有毒气体监测", "responsible": "环境监测", "due_minutes": 15},
            ],
            "notifications": [
                {"name": "园区专职消防救援站", "role": "消防救援", "phone": "13800000021", "min_level": "IV"},
                {"name": "园区急救站", "role": "医疗救护", "phone": "13800000022", "min_level": "III"},
                {"name": "园区治安巡逻队", "role": "治安疏散", "phone": "13800000023", "min_level": "III"},
                {"name": "园区环境监测站", "role": "环境监测", "phone": "13800000024", "min_level": "III"},
            ],
            "linkage_rules": ["leak_default"],
            "sections": [
                {"title": "处置要点", "body": "佩戴正压式空气呼吸器，启动碱液喷淋吸收，严禁无防护进入警戒区。"}
            ],
        },
    )
    chlor = out.enterprise_ids[0]
    for device in (
        {"id": "chl-door-1", "kind": "door", "name": "液氯储罐区1号门禁", "location": at(0.0014, 0.0041)},
        {
            "id": "chl-exit-1",
            "kind": "evacuation_exit",
            "name": "液氯储罐区东侧疏散通道",
            "location": at(0.0011, 0.0045),
        },
        {"id": "chl-fan-1", "kind": "ventilation", "name": "液氯包装间排风机", "location": at(0.0012, 0.0039)},
    ):
        call("POST", "/linkage/devices", {**device, "enterprise_id": chlor})
    for device in (
        {"id": "park-board-1", "kind": "board", "name": "园区主干道户外情报板", "location": at(0.0, 0.0)},
        {"id": "park-broadcast", "kind": "broadcast", "name": "园区应急广播", "location": at(0.0, 0.0)},
    ):
        call("POST", "/linkage/devices", device)


def environment(call: Any, out: Seeded, lat0: float, lon0: float) -> None:
    """Environment monitors belong to the first enterprise's gateway in the demo (the park has no own gateway)."""
    first = out.enterprise_ids[0]
    env_gateway = next(g for g, e in out.gateway_enterprise.items() if e == first)
    for n, (tag, label, kind, unit, gas) in enumerate(ENVIRONMENT):
        sensor = call(
            "POST",
            "/sensors",
            {
                "id": tag,
                "enterprise_id": first,
                "gateway_id": env_gateway,
                "name": label,
                "kind": kind,
                "unit": unit,
                "gas": gas,
                "environment": True,
                "trend": False,
                "stale_after_s": 300,
                "location": {"lat": lat0 + 0.003 - 0.002 * n, "lon": lon0 + 0.006},
            },
        )
        out.gateways[env_gateway].append(sensor)
        out.sensors += 1


def _ok(response: Any, what: str) -> dict[str, Any]:
    if response.status_code not in (200, 201):
        raise RuntimeError(f"seeding {what} failed: {response.status_code} {response.body!r}")
    import orjson

    return orjson.loads(response.body)


PARK_GATEWAY = "park-devices"  # relays the park's own actuators' commands (enterprise `_park`)


def seed(token: str | None = None, pki: Pki | None = None) -> Seeded:
    """Create the demo park through the API (idempotent ids; a second run fails fast on conflicts) and issue
    every gateway's certificate (`pki`, default `.local/devices/`)."""
    import orjson
    from chalice.test import Client

    import app as chalice_app
    from chalicelib.core.identity import PARK
    from local.issuer import Issuer
    from local.pki import Pki

    state = Path(__file__).resolve().parent.parent / ".local"
    if token is None:
        token = Issuer.load_or_create(state).token("seed", ["park_admin"], name="演示数据初始化")
    if pki is None:
        pki = Pki.load_or_create(state / "devices")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    out = Seeded()
    lat0, lon0 = PARK_CENTRE
    with Client(chalice_app.app) as client:

        def call(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
            return _ok(client.http.request(method, path, headers=headers, body=orjson.dumps(body)), path)

        call(
            "PUT",
            "/park",
            {
                "name": "示例化工园区",
                "location": {"lat": lat0, "lon": lon0},
                "managers": [
                    {"name": "园区值班长", "phone": "13800000001", "title": "园区应急指挥中心", "min_priority": "high"}
                ],
            },
        )
        call("PUT", "/duty/roster", roster())
        camera_serial = 1
        for e_index, e in enumerate(ENTERPRISES):
            name, phone = e["manager"]
            eid = call(
                "POST",
                "/enterprises",
                {
                    "name": e["name"],
                    "credit_code": e["credit"],
                    "address": f"园区化工大道{e_index + 1}号",
                    "location": {"lat": lat0 + e["at"][0], "lon": lon0 + e["at"][1]},
                    "managers": [{"name": name, "phone": phone, "title": "安全总监", "min_priority": "medium"}],
                },
            )["id"]
            out.enterprise_ids.append(eid)
            out.manager_phones[eid] = phone
            out.people[f"enterprise_manager:{eid}"] = f"{eid}-manager"
            gateway = call(
                "POST",
                "/gateways",
                {"id": f"gw-{e['key'].lower()}", "enterprise_id": eid, "name": f"{e['name']}数据采集网关"},
            )["id"]
            out.gateway_enterprise[gateway] = eid
            out.gateways[gateway] = []
            pki.gateway(gateway, eid)
            for inst in e["installations"]:
                at = {"lat": round(lat0 + inst["at"][0], 6), "lon": round(lon0 + inst["at"][1], 6)}
                created = call(
                    "POST",
                    "/installations",
                    {
                        "enterprise_id": eid,
                        "name": inst["name"],
                        "unit_type": inst["type"],
                        "exposed_people": inst["people"],
                        "location": at,
                        "inventory": inst["inventory"],
                        "responsible": [{"duty": "主要负责人", "name": f"{name}", "phone": phone}],
                    },
                )
                out.installations += 1
                for n, (tag, label, kind, unit, gas, limits, priority) in enumerate(inst["sensors"]):
                    body: dict[str, Any] = {
                        "id": f"{e['key']}-{tag}",
                        "enterprise_id": eid,
                        "installation_id": created["id"],
                        "gateway_id": gateway,
                        "name": label,
                        "kind": kind,
                        "unit": unit,
                        "gas": gas,
                        "location": {"lat": at["lat"] + 0.0001 * n, "lon": at["lon"] + 0.0001},
                        "priority": priority,
                        "on_delay_s": 0,
                        "stale_after_s": 300,
                        "trend_horizon_s": 300,
                    }
                    if limits:
                        body["limits"] = limits
                    sensor = call("POST", "/sensors", body)
                    out.gateways[gateway].append(sensor)
                    out.sensors += 1
                    if tag == "AT-101":
                        out.leak_tag, out.leak_installation, out.leak_enterprise = sensor["id"], created["id"], eid
                for k in range(2):
                    cam_id = f"3206000000132{camera_serial:07d}"
                    camera_serial += 1
                    call(
                        "POST",
                        "/cameras",
                        {
                            "id": cam_id,
                            "enterprise_id": eid,
                            "installation_id": created["id"],
                            "name": f"{inst['name']}{k + 1}号{'球机' if k == 0 else '枪机'}",
                            "location": {"lat": at["lat"] + 0.0002 * (k + 1), "lon": at["lon"] - 0.0002},
                            "ptz": k == 0,
                        },
                    )
                    out.cameras += 1
        emergency(call, out, lat0, lon0)
        environment(call, out, lat0, lon0)
    pki.gateway(PARK_GATEWAY, PARK)
    out.actuator_gateways[PARK_GATEWAY] = PARK
    return out
