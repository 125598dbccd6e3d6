"""The live channel (issue 14 item 4): MQTT over WebSocket on the embedded broker, signed in with the user's
token; the alarm-events topic relayed to the park's and the enterprise's live topics; the broker's ACL keeps
each enterprise to its own topics."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

import pytest

from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.settings_env import setenv_fixture  # noqa: F401 (the fixture)
from tests.support import batch, make_park, message, now


class WsClient:
    """paho over websockets, as mqtt.js in the console connects: what GET /live/connection says."""

    def __init__(self, conn: dict[str, Any], password: str | None = None) -> None:
        import paho.mqtt.client as mqtt

        self.url = urlparse(conn["url"])
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=conn["client_id"],
            transport="websockets",
            protocol=mqtt.MQTTv311,
        )
        self.client.ws_set_options(path=self.url.path)
        self.client.username_pw_set(conn["username"], conn["password"] if password is None else password)
        self.connected, self.closed = threading.Event(), threading.Event()
        self.received: list[tuple[float, str, dict[str, Any]]] = []
        self.granted: dict[int, list[Any]] = {}
        self.client.on_connect = lambda c, u, f, rc, p: (self.closed if rc.is_failure else self.connected).set()
        self.client.on_disconnect = lambda *a: self.closed.set()
        self.client.on_message = lambda c, u, m: self.received.append(
            (time.monotonic(), m.topic, json.loads(m.payload))
        )
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.granted.__setitem__(mid, list(codes))

    def connect(self) -> bool:
        self.client.connect(self.url.hostname, self.url.port)
        self.client.loop_start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (self.connected.is_set() or self.closed.is_set()):
            time.sleep(0.01)
        return self.connected.is_set() and not self.closed.is_set()

    def subscribe(self, topic_filter: str) -> bool:
        _, mid = self.client.subscribe(topic_filter, qos=1)
        deadline = time.monotonic() + 5
        while mid not in self.granted and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.granted[mid][0].is_failure

    def close(self) -> None:
        with contextlib.suppress(Exception):  # first: the loop ends at once instead of after its 1 s select
            self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture(scope="module")
def live_broker(device_pki: Any) -> Iterator[Any]:
    """A broker with the console's WebSocket listener, and the relay of iot-data `live/` publishes to it."""
    from local.broker import BrokerThread
    from local.env import free_port
    from local.live_relay import LiveRelay

    broker = BrokerThread(device_pki, port=free_port(), ws_port=free_port())
    broker.start()
    broker.wait_ready()
    relay = LiveRelay(device_pki.service("live-relay"), port=broker.port)
    relay.start()
    yield broker
    relay.stop()
    broker.stop()


@pytest.fixture
def live(live_broker: Any, setenv: Any) -> Any:
    setenv("CHEMPARK_LIVE_URL", live_broker.ws_url)
    caches.reset_caches()
    yield live_broker
    caches.reset_caches()


def connect_as(api: Any, role: str, enterprise_id: str | None = None) -> tuple[WsClient, dict[str, Any]]:
    r = api.get("/live/connection", role=role, enterprise_id=enterprise_id)
    assert r.status_code == 200, r.json
    client = WsClient(r.json)
    assert client.connect()
    return client, r.json


def test_connection_names_the_callers_own_topics(api, live):
    r = api.get("/live/connection", role="duty_officer")
    assert r.status_code == 200 and r.json["url"] == live.ws_url
    assert r.json["topics"][0] == "live/park/park/#" and "live/park/park/alarm" in r.json["topics"]
    assert datetime.fromisoformat(r.json["expires_at"]).utcoffset() is not None
    e = api.get("/live/connection", role="enterprise_manager", enterprise_id="ent_a").json
    assert e["topics"][0] == "live/enterprise/ent_a/#" and e["client_id"].startswith("web-")


def test_duty_officer_receives_the_alarm_within_a_second_of_it_being_stored(api, live):
    park = make_park(api)
    officer, _ = connect_as(api, "duty_officer")
    manager, _ = connect_as(api, "enterprise_manager", park.enterprise_id)
    try:
        assert officer.subscribe("live/park/park/#") and manager.subscribe(f"live/enterprise/{park.enterprise_id}/#")
        t = now()
        telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 2000, 0.2)])))
        started = time.monotonic()
        telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, t - 1000, 2.6)])))
        stored = time.monotonic()  # the alarm is committed when ingest returns
        deadline = stored + 1.0
        while time.monotonic() < deadline and not any(m[2]["type"] == "alarm" for m in officer.received):
            time.sleep(0.005)
        alarms = [m for m in officer.received if m[2]["type"] == "alarm" and m[2]["op"] == "raised"]
        assert alarms, "no alarm message within 1 s of the alarm being stored"
        first = alarms[0]
        assert first[1] == "live/park/park/alarm" and first[0] - started < 5  # upper bound incl. evaluation
        msg = first[2]
        assert msg["enterprise_id"] == park.enterprise_id and msg["data"]["tag_id"] == park.tag
        assert datetime.fromisoformat(msg["at"].replace("Z", "+00:00")).utcoffset() is not None
        assert {"id", "state", "priority", "condition"} <= set(msg["data"])
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not manager.received:
            time.sleep(0.01)
        assert manager.received and manager.received[0][1].startswith(f"live/enterprise/{park.enterprise_id}/")
        # the risk colour change follows on the same channel, as GET /risk/installations/{id} shows it
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not any(m[2]["type"] == "risk" for m in officer.received):
            time.sleep(0.01)
        risk = [m[2] for m in officer.received if m[2]["type"] == "risk"]
        assert risk and risk[-1]["op"] == "changed" and risk[-1]["data"]["level"] == "orange"
        assert risk[-1]["id"] == f"installation:{park.installation_id}"
        shown = api.get(f"/risk/installations/{park.installation_id}", role="duty_officer").json
        assert list(risk[-1]["data"]) == list(shown) and risk[-1]["data"] == shown  # the same document
        # an acknowledgement is an update of the same alarm
        hh = next(m[2] for m in alarms if m[2]["data"]["condition"] == "HH")
        r = api.post(f"/alarms/{hh['id']}/ack", role="duty_officer", json={"comment": "已确认"})
        assert r.status_code == 200, r.json
        deadline = time.monotonic() + 2

        def acked() -> list[dict]:  # the alarm's own update: the warning its HH started also sends updates
            return [m[2] for m in officer.received if m[2]["op"] == "updated" and m[2]["id"] == hh["id"]]

        while time.monotonic() < deadline and not acked():
            time.sleep(0.01)
        assert acked() and acked()[-1]["data"]["acked"] is True and acked()[-1]["event"] == "acked"
    finally:
        officer.close()
        manager.close()


def test_an_enterprise_user_may_subscribe_only_to_its_own_topics(api, live):
    a, b = make_park(api), make_park(api)
    user, _ = connect_as(api, "enterprise_manager", a.enterprise_id)
    try:
        assert user.subscribe(f"live/enterprise/{a.enterprise_id}/alarm")
        assert not user.subscribe(f"live/enterprise/{b.enterprise_id}/#")
        assert not user.subscribe("live/park/park/#")
        assert not user.subscribe("live/#") and not user.subscribe("live/enterprise/+/alarm")
        t = now()
        telemetry.ingest(batch(message(b.enterprise_id, [(b.tag, t - 1000, 2.6)])))
        time.sleep(0.5)
        assert not user.received  # b's alarm reached nobody of a's
    finally:
        user.close()


def test_the_broker_refuses_a_bad_token_and_a_device_client_id(api, live):
    _, conn = connect_as(api, "duty_officer")
    forged = WsClient({**conn, "client_id": conn["client_id"] + "x"}, password=conn["password"][:-4] + "AAAA")
    assert not forged.connect()
    forged.close()
    not_a_browser = WsClient({**conn, "client_id": "_rule-bridge-1"})
    assert not not_a_browser.connect()
    not_a_browser.close()


def _messages_of(client: WsClient, type_: str, item_id: str, within_s: float = 2.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and not any(
        m[2]["type"] == type_ and m[2]["id"] == item_id for m in client.received
    ):
        time.sleep(0.01)
    return [m[2] for m in client.received if m[2]["type"] == type_ and m[2]["id"] == item_id]


def test_warning_and_incident_changes_reach_the_park_and_their_enterprise_live(api, live):
    from chalicelib.incidents.schemas import IntakeIn
    from chalicelib.warnings.schemas import ReportIn

    park, other = make_park(api), make_park(api)
    officer, _ = connect_as(api, "duty_officer")
    manager, _ = connect_as(api, "enterprise_manager", park.enterprise_id)
    stranger, _ = connect_as(api, "enterprise_manager", other.enterprise_id)
    try:
        assert officer.subscribe("live/park/park/#") and manager.subscribe(f"live/enterprise/{park.enterprise_id}/#")
        assert stranger.subscribe(f"live/enterprise/{other.enterprise_id}/#")
        scope = {"enterprise_id": park.enterprise_id, "installation_id": park.installation_id}
        report = {**ReportIn.model_config["json_schema_extra"]["examples"][0], **scope}  # type: ignore[index]
        w = api.post("/warnings", role="duty_officer", json=report)
        assert w.status_code == 201, w.json
        seen = _messages_of(officer, "warning", w.json["id"])
        assert seen and seen[0]["op"] == "updated" and seen[0]["data"]["status"] == w.json["status"]
        assert seen[0]["enterprise_id"] == park.enterprise_id and seen[0]["data"]["title"] == report["title"]
        assert _messages_of(manager, "warning", w.json["id"])

        intake = {**IntakeIn.model_config["json_schema_extra"]["examples"][0], **scope}  # type: ignore[index]
        i = api.post("/incidents", role="duty_officer", json=intake)
        assert i.status_code == 201, i.json
        seen = _messages_of(officer, "incident", i.json["id"])
        assert seen and seen[-1]["data"]["status"] == "reported" and seen[-1]["data"]["log"]["kind"] == "event"
        assert _messages_of(manager, "incident", i.json["id"])
        # another enterprise's console hears nothing of either
        assert not [m for m in stranger.received if m[2]["id"] in (w.json["id"], i.json["id"])]
    finally:
        for client in (officer, manager, stranger):
            client.close()


def test_an_installation_colour_reaches_the_consoles_when_an_alarm_event_changes_it_only(api):
    """Each alarm event asks for the installation's risk; an event that leaves its colour as it was sends none."""
    from local import moto_patches

    caches.reset_caches()
    park = make_park(api)
    topic = f"live/enterprise/{park.enterprise_id}/risk"

    def heard() -> list[dict[str, Any]]:
        return [json.loads(p) for t, p in moto_patches.iot_published() if t == topic]

    telemetry.ingest(batch(message(park.enterprise_id, [(park.tag, now() - 1000, 2.6)])))  # H and HH: orange
    assert [(m["id"], m["op"], m["data"]["level"]) for m in heard()] == [
        (f"installation:{park.installation_id}", "changed", "orange")
    ]
    alarms = api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"]
    for alarm in alarms:  # two alarm events, the colour stays orange
        r = api.post(f"/alarms/{alarm['id']}/ack", role="duty_officer", json={"comment": "已确认"})
        assert r.status_code == 200, r.json
    assert len(heard()) == 1
