"""Live channel latency (issue 14 item 4): an alarm stored -> its message at a console subscribed over MQTT over
WebSocket, through the embedded stack (ingest Lambda, outbox dispatch, live subscriber, iot-data,
broker). bench/results/console.json is one object keyed by measurement: this script writes
`live_alarm_server_ms` and leaves the other keys (the console's browser-side figure) as they are.

"Stored" is the alarm's `last_change_ms`, stamped when the evaluation commits it (a slight overestimate of
the path); the console's clock is this machine's, so no skew enters the figure.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any
from urllib.parse import urlparse

from bench.common import RESULTS, machine, percentile
from bench.telemetry import _gateway_clients

TARGET_MS = 1000


def _console(conn: dict[str, Any], received: list[tuple[float, dict[str, Any]]]) -> Any:
    import paho.mqtt.client as mqtt

    url = urlparse(conn["url"])
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id=conn["client_id"], transport="websockets", protocol=mqtt.MQTTv311
    )
    client.ws_set_options(path=url.path)
    client.username_pw_set(conn["username"], conn["password"])
    subscribed = threading.Event()
    client.on_connect = lambda c, u, f, rc, p: c.subscribe(conn["topics"][0], qos=1)
    client.on_subscribe = lambda *a: subscribed.set()
    client.on_message = lambda c, u, m: received.append((time.time() * 1000, json.loads(m.payload)))
    client.connect(url.hostname, url.port)
    client.loop_start()
    if not subscribed.wait(10):
        raise RuntimeError("the console could not subscribe")
    return client


def run(alarms: int = 40, pace_s: float = 0.5) -> dict[str, Any]:
    import requests

    from local import stack as embedded
    from local.env import free_port

    s = embedded.start(api_port=free_port(), mqtt_port=free_port(), simulate=False)
    try:
        conn = requests.get(
            f"http://127.0.0.1:{s.api_port}/live/connection",
            headers={"Authorization": f"Bearer {s.tokens['duty_officer']}"},
            timeout=10,
        ).json()
        received: list[tuple[float, dict[str, Any]]] = []
        console = _console(conn, received)
        candidates = [
            (gw, sensor)
            for gw, sensors in s.seeded.gateways.items()
            for sensor in sensors
            if (sensor.get("limits") or {}).get("h") is not None and sensor["kind"] in ("pressure", "temperature")
        ]
        clients = _gateway_clients(s, {gw for gw, _ in candidates})
        ts = int(time.time() * 1000)
        for i in range(alarms * 2):  # alternate high and normal: every other reading (re)activates an alarm
            gw, sensor = candidates[(i // 2) % len(candidates)]
            value = round(sensor["limits"]["h"] * (1.2 if i % 2 == 0 else 0.5) + i * 1e-4, 4)
            ts += 1
            body = {"gateway_id": gw, "seq": i, "readings": [{"tag_id": sensor["id"], "ts": ts, "value": value}]}
            body["readings"][0]["quality"] = "good"
            topic = f"park/{s.seeded.gateway_enterprise[gw]}/telemetry"
            clients[gw].publish(topic, json.dumps(body), qos=1).wait_for_publish(10)
            time.sleep(pace_s)
        time.sleep(3)
        latencies = [
            at - m["data"]["last_change_ms"]
            for at, m in received
            if m["type"] == "alarm" and m["op"] == "raised" and m["data"].get("last_change_ms")
        ]
        for client in [*clients.values(), console]:
            client.disconnect()  # first: the loop ends at once instead of after its 1 s select
            client.loop_stop()
        figures = {
            "p50": percentile(latencies, 50) if latencies else None,
            "p95": percentile(latencies, 95) if latencies else None,
            "max": percentile(latencies, 100) if latencies else None,
            "alarms_measured": len(latencies),
            "target_ms": TARGET_MS,
            "path": "alarm committed -> outbox dispatch -> live subscriber -> iot-data -> broker -> ws console",
            "note": "from the alarm's commit on; the ingest queue's batching window comes before it",
        }
        _merge("live_alarm_server_ms", figures)
        return figures
    finally:
        s.stop()


def _merge(key: str, figures: dict[str, Any]) -> None:
    """console.json is shared with the browser-side measurement: update one key, keep the others."""
    path = RESULTS / "console.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current[key] = {**figures, "machine": machine(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("CHEMPARK_FLOOD_THRESHOLD", "100000")
    print(run())
