"""Walk the whole route table as enterprise A's manager against enterprise B's resources.

For every route, present and future: a path naming B's resource answers 403/404 and changes nothing;
a list never shows B's data; naming B in a filter or a body is refused. A route whose path parameter
or body this walk cannot fill fails the test, so a new route cannot skip the check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest

import app as _app  # noqa: F401  (registers every route before the walk is parametrised)
from chalicelib.core.http import ROUTES, RouteSpec
from chalicelib.core.identity import Role
from chalicelib.patrol.schemas import AnomalyIn, PlanIn, RouteIn
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.architecture.tenancy_support import TenantData
from tests.support import batch, make_park, message, now, wait_for

PARAM = re.compile(r"{(\w+)}")
pytestmark = pytest.mark.xdist_group("tenancy-walk")  # one worker, so one `world` (each worker built its own)


@pytest.fixture(scope="module")
def world(app: Any, module_stack: Any) -> Iterator[dict[str, Any]]:
    """Two enterprises with one of everything each; B has an open alarm. "B data": B's items in the tables,
    compared after every route (nothing but the walk runs in this process meanwhile); B's records as the API
    shows them are compared once, after the whole walk. On a stack of its own, so the tables hold little but
    A's and B's data."""
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        api = Api(client)
        a, b = make_park(api), make_park(api)
        ids: dict[str, dict[str, str]] = {}
        for name, park in (("A", a), ("B", b)):
            cam = api.post(
                "/cameras",
                role="park_admin",
                json={
                    "id": f"3206000000132{abs(hash(park.enterprise_id)) % 10**7:07d}",
                    "enterprise_id": park.enterprise_id,
                    "name": "球机",
                    "location": {"lat": 31.95, "lon": 120.9},
                },
            ).json
            gw = api.post(
                "/gateways", role="park_admin", json={"enterprise_id": park.enterprise_id, "name": "网关"}
            ).json
            zone = api.post(
                "/zones",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "name": "罐区",
                    "center": {"lat": 31.95, "lon": 120.9},
                    "radius_m": 100,
                },
            ).json
            caches.reset_caches()
            telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now(), 5.0)])))
            alarm = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"][0]
            warning = api.post(
                "/warnings",
                role="park_admin",
                json={"enterprise_id": park.enterprise_id, "title": "巡检发现异味", "description": "罐区有刺激性气味"},
            ).json
            wait_for(  # let its workflow reach the first human step: then it holds still
                "warning workflow to reach verification",
                lambda w=warning: (
                    api.get(f"/warnings/{w['id']}", role="park_admin").json["warning"]["awaiting"] == "verification"
                ),
            )
            resource = api.post(
                "/resources",
                role="park_admin",
                json={
                    "kind": "team",
                    "name": "企业专职消防队",
                    "enterprise_id": park.enterprise_id,
                    "location": {"lat": 31.9511, "lon": 120.9051},
                    "details": {"members": 12},
                },
            ).json
            plan = api.post(
                "/plans",
                role="park_admin",
                json={
                    "name": "液氯泄漏现场处置方案",
                    "accident_types": ["leak"],
                    "levels": ["III", "IV"],
                    "enterprise_id": park.enterprise_id,
                    "installation_ids": [park.installation_id],
                },
            ).json
            device = api.post(
                "/linkage/devices",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "kind": "door",
                    "name": "罐区门禁",
                    "location": {"lat": 31.9511, "lon": 120.9051},
                },
            ).json
            rule = api.post(
                "/linkage/rules",
                role="park_admin",
                json={
                    "name": "企业泄漏联动",
                    "event_type": "leak",
                    "min_level": "blue",
                    "scope": {"kind": "enterprise", "enterprise_id": park.enterprise_id},
                    "actions": [{"kind": "door_lock"}],
                },
            ).json
            incident = api.post(  # reported, not activated: it holds still while the walk compares B's data
                "/incidents",
                role="park_admin",
                json={
                    "type": "leak",
                    "title": "罐区泄漏",
                    "enterprise_id": park.enterprise_id,
                    "place": {"lat": 31.95, "lon": 120.9},
                },
            ).json
            unit = api.post(
                "/risk-units",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "name": "液氯储罐区",
                    "liable_department": "生产部",
                    "liable_person": {"name": "李主任"},
                    "risk_class": "orange",
                },
            ).json
            event = api.post(f"/risk-units/{unit['id']}/events", role="park_admin", json={"name": "泄漏中毒"}).json
            measure = api.post(
                f"/risk-units/{unit['id']}/measures",
                role="park_admin",
                json={
                    "event_id": event["id"],
                    "description": "探测器联锁",
                    "classify1": "engineering",
                    "check_content": "联锁",
                },
            ).json
            task = api.post(
                "/check-tasks",
                role="park_admin",
                json={
                    "unit_id": unit["id"],
                    "measure_id": measure["id"],
                    "content": "检查探测器",
                    "cycle": 1,
                    "cycle_unit": "day",
                    "post": "操作工",
                    "starts_at": datetime.now(UTC).isoformat(),
                },
            ).json
            danger = api.post(  # major (121号 item 12): it has a 督办 order and a regulator message
                "/hidden-dangers",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "title": "罐区探测器缺失",
                    "source": "routine",
                    "category": "instrument",
                    "description": "未设置有毒气体探测器",
                    "major_criteria": [12],
                    "handling": "deadline",
                    "deadline": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
                    "liable_person": {"name": "王工", "phone": "13511119999"},
                },
            ).json
            order = api.get(f"/supervision-orders?enterprise_id={park.enterprise_id}", role="park_admin").json
            permit = api.post(  # a draft: it holds still and no alarm of the walk touches it
                "/work-permits",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "type": "hot_work",
                    "level": "level_2",
                    "location": {"lat": 31.9512, "lon": 120.9052},
                    "starts_at": datetime.now(UTC).isoformat(),
                    "ends_at": (datetime.now(UTC) + timedelta(hours=8)).isoformat(),
                    "description": "储罐区护栏焊接",
                    "guardian": {"name": "李监护", "phone": "13800000021"},
                },
            ).json
            notice = api.post(  # issued, not acknowledged: it holds still
                "/risk-notices",
                role="park_admin",
                json={
                    "enterprise_id": park.enterprise_id,
                    "title": "罐区风险提示",
                    "content": "请加强巡检",
                    "level": "yellow",
                },
            ).json
            post, check_in = _onduty(api, park.enterprise_id, park.installation_id)
            gate = api.post(
                "/gates",
                role="park_admin",
                json={
                    "name": "企业卡口",
                    "kind": "general",
                    "enterprise_id": park.enterprise_id,
                    "zone_id": zone["id"],
                    "location": {"lat": 31.95, "lon": 120.9},
                },
            ).json
            appointment = api.post(  # pending: it holds still
                "/appointments",
                role="park_admin",
                json={
                    "kind": "person",
                    "enterprise_id": park.enterprise_id,
                    "visitor": {"name": "访客", "id_number": f"3201021990010{name}1234", "phone": "13900001111"},
                    "purpose": "洽谈",
                    "valid_from": datetime.now(UTC).isoformat(),
                    "valid_to": (datetime.now(UTC) + timedelta(hours=8)).isoformat(),
                },
            ).json
            public_event = api.post(  # seen by B's camera: B's event, with B's public-area alarm
                "/public-events",
                role="integration",
                json={
                    "event_id": f"walk-{park.enterprise_id}",
                    "kind": "intrusion",
                    "camera_id": cam["id"],
                    "location": {"lat": 31.95, "lon": 120.9},
                    "at": datetime.now(UTC).isoformat(),
                    "confidence": 0.7,
                },
            ).json
            patrol_route, patrol_plan = _patrol(api, park.enterprise_id)
            phone = api.post(  # a mobile device of one of B's people (push, /me/devices)
                "/me/devices",
                token=api.token("enterprise_manager", park.enterprise_id, subject=f"walk-{park.enterprise_id}"),
                json={"platform": "fcm", "token": f"walk-token-{park.enterprise_id}"},
            ).json
            ids[name] = {
                "push_device_id": phone["id"],
                "notice_id": notice["id"],
                "post_id": post["id"],
                "check_in_id": check_in["id"],
                "day": check_in["date"],
                "shift_id": check_in["shift_id"],
                "layer": "alarms.geojson",  # a map layer's name (GET /map/{layer}): every caller's own features
                "patrol_route_id": patrol_route["id"],
                "patrol_plan_id": patrol_plan["id"],
                "patrol_task_id": f"{patrol_plan['id']}.0",
                "checkpoint_id": f"cp-{park.enterprise_id}",
                "gate_id": gate["id"],
                "appointment_id": appointment["id"],
                "public_event_id": public_event["id"],
                "unit_id": unit["id"],
                "task_id": task["id"],
                "danger_id": danger["id"],
                "order_id": order["items"][0]["id"],
                "permit_id": permit["id"],
                "incident_id": incident["id"],
                "instruction_id": "ins_of_" + incident["id"],
                "warning_id": warning["id"],
                "device_id": device["id"],
                "rule_id": rule["id"],
                "enterprise_id": park.enterprise_id,
                "installation_id": park.installation_id,
                "sensor_id": park.tag,
                "camera_id": cam["id"],
                "gateway_id": gw["id"],
                "zone_id": zone["id"],
                "alarm_id": alarm["id"],
                "resource_id": resource["id"],
                "plan_id": plan["plan_id"],
            }
        b_warnings = f"/warnings?enterprise_id={ids['B']['enterprise_id']}"
        wait_for(  # B's alarm-born warnings too: the walk compares B's data as it then holds still
            "every warning of B's to reach verification",
            lambda: {w["awaiting"] for w in api.get(b_warnings, role="park_admin").json["items"]} == {"verification"},
        )
        shown = _snapshot(api, ids["B"])
        # B's data as the walk starts; each route is compared with the data the route before it left.
        data = TenantData({v for k, v in ids["B"].items() if k not in SHARED_VALUES}, ids["A"]["enterprise_id"])
        yield {"A": ids["A"], "B": ids["B"], "B data": data}
        assert _snapshot(api, ids["B"]) == shown, "the walk changed B's records as the API shows them"


def _onduty(api: Any, enterprise_id: str, installation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A key post on day and night shifts, rostered around now, with its leader checked in at the installation."""
    body = {
        "enterprise_id": enterprise_id,
        "name": "当班班长",
        "kind": "shift_leader",
        "installation_id": installation_id,
        "shifts": [
            {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
            {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"},
        ],
    }
    post = api.post("/onduty/posts", role="park_admin", json=body).json
    today = datetime.now(UTC) + timedelta(hours=8)  # park local date (UTC+8)
    days = [(today - timedelta(days=d)).date().isoformat() for d in (0, 1)]
    people = [{"person_id": f"emp-{enterprise_id}", "name": "赵班长"}]
    assignments = [{"date": d, "shift_id": s, "people": people} for d in days for s in ("day", "night")]
    api.put(f"/onduty/posts/{post['id']}/roster", role="park_admin", json={"assignments": assignments})
    where = {"lat": 31.951, "lon": 120.905}  # make_park's installation
    check_in = {"post_id": post["id"], "person_id": people[0]["person_id"], "location": where}
    r = api.post("/onduty/check-ins", role="park_admin", json=check_in)
    assert r.status_code == 201, r.json
    return post, r.json


def _patrol(api: Any, enterprise_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A patrol route, a plan whose first task is open now (dispatched by the sweep), and an anomaly."""
    from chalicelib.patrol import service as patrol

    body = RouteIn.model_json_schema()["examples"][0] | {"enterprise_id": enterprise_id}
    body["checkpoints"] = [body["checkpoints"][0] | {"id": f"cp-{enterprise_id}"}]  # its own, found if leaked
    route = api.post("/patrol/routes", role="park_admin", json=body).json
    plan = PlanIn.model_json_schema()["examples"][0] | {
        "route_id": route["id"],
        "starts_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "window_min": 600,
    }
    plan = api.post("/patrol/plans", role="park_admin", json=plan).json
    patrol.sweep()
    anomaly = AnomalyIn.model_json_schema()["examples"][0] | {"enterprise_id": enterprise_id, "priority": "low"}
    api.post("/inspection/anomalies", role="integration", json=anomaly | {"anomaly_id": f"{enterprise_id}-uav"})
    return route, plan


def _query(spec: RouteSpec, b: dict[str, str]) -> str:
    """Fill required query parameters (and name B wherever the route filters by enterprise)."""
    if spec.query is None:
        return ""
    hour = datetime.now(UTC) - timedelta(hours=1)
    values = {"from": hour.isoformat(), "to": datetime.now(UTC).isoformat(), "area": b["installation_id"]}
    params = {}
    for name, field in spec.query.model_fields.items():
        key = field.alias or name
        if field.is_required():
            if key not in values:
                pytest.fail(f"{spec.method} {spec.path}: the walk cannot fill required query parameter {key!r}")
            params[key] = values[key]
    return "?" + urlencode(params) if params else ""


def _body(spec: RouteSpec, owner: dict[str, str]) -> Any:
    if spec.body is None:
        return None
    examples = (spec.body.model_config.get("json_schema_extra") or {}).get("examples") or [{}]
    body = orjson.loads(
        orjson.dumps(examples[0])
        .replace(b"ent_demo", owner["enterprise_id"].encode())
        .replace(b"ins_demo", owner["installation_id"].encode())
        .replace(b"pst_demo", owner["post_id"].encode())
        .replace(b"pr_demo", owner["patrol_route_id"].encode())
    )
    spec.body.model_validate(body)  # an example that does not validate would hide the scope check behind a 422
    return body


# Path parameters whose name another context's resource already uses in `world`.
RENAMED = {"/me/devices/{device_id}": {"device_id": "push_device_id"}}
# Routes that act only on the caller's own account and name no enterprise: they may succeed for A (and the
# check of B's data still proves it unchanged).
SELF_SERVICE = frozenset({("POST", "/me/devices"), ("PUT", "/me/notification-preferences")})


def _fill(path: str, b: dict[str, str], park_only: bool) -> str:
    b = {**b, **{k: b[v] for k, v in RENAMED.get(path, {}).items()}}

    def sub(match: re.Match[str]) -> str:
        if match.group(1) not in b:
            if park_only:  # the route refuses enterprise users by role: any id proves it
                return "any-id"
            pytest.fail(f"{path}: the tenancy walk does not know how to make B's {match.group(1)!r}; add it to `world`")
        return b[match.group(1)]

    return PARAM.sub(sub, path)


def _snapshot(api: Any, b: dict[str, str]) -> dict[str, Any]:
    return {
        k: api.get(p, role="park_admin").json
        for k, p in {
            "enterprise": f"/enterprises/{b['enterprise_id']}",
            "installation": f"/installations/{b['installation_id']}",
            "sensor": f"/sensors/{b['sensor_id']}",
            "camera": f"/cameras/{b['camera_id']}",
            "gateway": f"/gateways/{b['gateway_id']}",
            "zone": f"/zones/{b['zone_id']}",
            "alarm": f"/alarms/{b['alarm_id']}",
            "device": f"/linkage/devices/{b['device_id']}",
            "rule": f"/linkage/rules/{b['rule_id']}",
            "resource": f"/resources/{b['resource_id']}",
            "plan": f"/plans/{b['plan_id']}",
            "warning": f"/warnings/{b['warning_id']}",
            "incident": f"/incidents/{b['incident_id']}",
            "risk unit": f"/risk-units/{b['unit_id']}",
            "check records": f"/check-records?enterprise_id={b['enterprise_id']}",
            "danger": f"/hidden-dangers/{b['danger_id']}",
            "orders": f"/supervision-orders?enterprise_id={b['enterprise_id']}",
            "permit": f"/work-permits/{b['permit_id']}",
            "notice": f"/risk-notices/{b['notice_id']}",
            "post": f"/onduty/posts/{b['post_id']}",
            "roster": f"/onduty/posts/{b['post_id']}/roster",
            "check-ins": f"/onduty/check-ins?enterprise_id={b['enterprise_id']}",
            "patrol route": f"/patrol/routes/{b['patrol_route_id']}",
            "patrol plans": f"/patrol/plans?enterprise_id={b['enterprise_id']}",
            "patrol task": f"/patrol/tasks/{b['patrol_task_id']}",
            "anomalies": f"/inspection/anomalies?enterprise_id={b['enterprise_id']}",
            "gate": f"/gates/{b['gate_id']}",
            "appointment": f"/appointments/{b['appointment_id']}",
            "public events": f"/public-events?enterprise_id={b['enterprise_id']}",
        }.items()
    }


# Path values that name no enterprise's data (a roster's local date and shift id): A has the same ones.
SHARED_VALUES = frozenset({"day", "shift_id", "layer"})
# Path parameters that name no tenant's record: such a route is walked like a list (200 with no leak of B's data).
OPEN_PARAMS = frozenset({"layer"})
ALL = sorted(ROUTES, key=lambda s: (s.path, s.method))
assert ALL, "no routes registered: the walk would prove nothing"


@pytest.mark.parametrize("spec", [s for s in ALL if not s.public], ids=lambda s: f"{s.method} {s.path}")
def test_enterprise_a_cannot_reach_enterprise_b(spec: RouteSpec, api: Any, world: dict[str, Any]) -> None:
    a, b = world["A"], world["B"]
    world["B data"].changes()  # what a route that failed before its own check below changed is not this route's
    path = _fill(spec.path, b, Role.ENTERPRISE_MANAGER not in spec.roles) + _query(spec, b)
    r = api.call(spec.method, path, role="enterprise_manager", enterprise_id=a["enterprise_id"], json=_body(spec, b))
    secrets = {v for k, v in b.items() if k not in SHARED_VALUES}
    if Role.ENTERPRISE_MANAGER not in spec.roles:
        assert r.status_code == 403, (spec.path, r.status_code, r.json)
    elif (spec.method, spec.path) in SELF_SERVICE:
        assert r.status_code in (200, 201, 403, 404), (spec.method, spec.path, r.status_code, r.json)
    elif set(PARAM.findall(spec.path)) - OPEN_PARAMS or spec.method != "GET":
        assert r.status_code in (403, 404), (spec.method, spec.path, r.status_code, r.json)
    else:
        assert r.status_code in (200, 403, 404), (spec.path, r.status_code, r.json)
        text = r.body.decode() if isinstance(r.body, bytes) else str(r.body)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{spec.path} shows enterprise B's data to A: {leaked}"
        if spec.query is not None and "enterprise_id" in spec.query.model_fields:
            sep = "&" if "?" in path else "?"
            named = api.call(
                "GET",
                f"{path}{sep}enterprise_id={b['enterprise_id']}",
                role="enterprise_manager",
                enterprise_id=a["enterprise_id"],
            )
            assert named.status_code in (403, 404), (spec.path, named.status_code)
    changed = world["B data"].changes()
    assert not changed, f"{spec.method} {spec.path} changed enterprise B's data: {changed}"


def test_the_walk_covers_every_registered_route(app: Any) -> None:
    """Every Chalice route is declared through core.http.route (so it has roles and is walked)."""
    declared = {(s.path, s.method) for s in ROUTES}
    registered = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert registered == declared
