"""Park simulator: each gateway connects as a real one does, with its own X.509 certificate
(`.local/devices/<gateway_id>/`, awsiotsdk `mqtt_connection_builder.mtls_from_path`, client id = gateway id),
and publishes a batch of all its tags on `park/<its enterprise>/telemetry`, with values that wander inside
their normal band. In AWS the same payload goes to `$aws/rules/<rule>/park/<enterprise>/telemetry` (Basic
Ingest). A control message on `chempark/local/simulator` starts scenarios, e.g. the chlorine-leak ramp:
`{"scenario": "chlorine_leak", "tag": "<tag>", "rate_per_s": 0.008}` (trend warning, then H, then HH).

The actuators behind each enterprise's first gateway (and the park's own, `actuator_gateways`) acknowledge
every linkage command on `park/<enterprise>/commands/+` with a publish on `park/<enterprise>/acks`;
`{"scenario": "device_failure", "device": "<id>"}` silences one device (drills' injected faults),
`{"scenario": "device_recover", "device": "<id>"}` brings it back. For soak runs (`bench/soak.py`) a share of
messages can be sent twice (`duplicate_rate`, as an at-least-once link does) or malformed (`malformed_rate`: one
corrupted reading, or a truncated, non-JSON payload); `stats` counts what was sent. moto's iot-data only records
what the app publishes, so while the simulator runs it relays those publishes to the broker, as IoT Core would; that
relay and the control channel use an internal identity of the stack (`_simulator-…`), not a gateway's."""

from __future__ import annotations

import contextlib
import functools
import json
import math
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

CONTROL_TOPIC = "chempark/local/simulator"


def normal_value(sensor: dict[str, Any], t: float, rng: random.Random) -> float:
    """A plausible value well inside the sensor's limits (a slow sine plus noise)."""
    lim = sensor.get("limits") or {}
    kind = sensor["kind"]
    if kind == "toxic":
        base, spread = (lim.get("h") or 1.0) * 0.08, (lim.get("h") or 1.0) * 0.04
    elif kind == "combustible":
        base, spread = 2.0, 1.0
    elif kind == "oxygen":
        base, spread = 20.9, 0.1
    elif kind == "wind_speed":
        base, spread = 3.2, 0.8
    elif kind == "wind_direction":
        base, spread = 120.0, 15.0
    else:
        lo = lim.get("l") if lim.get("l") is not None else lim.get("ll")
        hi = lim.get("h") if lim.get("h") is not None else lim.get("hh")
        if hi is None:
            base, spread = 50.0, 5.0
        elif lo is None:
            base, spread = hi * 0.6, hi * 0.05
        else:
            base, spread = (lo + hi) / 2, (hi - lo) * 0.1
    phase = (hash(sensor["id"]) % 628) / 100
    value = base + spread * 0.5 * math.sin(t / 300 + phase) + rng.gauss(0, spread * 0.15)
    return round(max(0.0, value), 4)


@dataclass
class Leak:
    tag: str
    started: float
    base: float
    rate_per_s: float
    peak: float | None = None


def _resumed(connection: Any, return_code: Any, session_present: bool, **_: Any) -> None:
    """After a reconnect on a clean session (e.g. someone connected with this gateway's client id, which takes
    the session over, in IoT Core too) the subscriptions are gone: make them again, as the SDK samples do."""
    if not session_present:
        connection.resubscribe_existing_topics()


def mtls_connection(host: str, port: int, creds: Any, client_id: str) -> Any:
    """An MQTT connection as a device makes it: mutual TLS with its certificate, CA pinned, its own client id."""
    from awsiot import mqtt_connection_builder

    return mqtt_connection_builder.mtls_from_path(
        on_connection_resumed=_resumed,
        reconnect_min_timeout_secs=1,  # a local broker restarts in a second
        endpoint=host,
        port=port,
        cert_filepath=str(creds.cert),
        pri_key_filepath=str(creds.key),
        ca_filepath=str(creds.ca),
        client_id=client_id,
        clean_session=True,
        keep_alive_secs=60,
    )


@dataclass
class Simulator:
    seeded: Any  # gateways, gateway_enterprise and (optionally) actuator_gateways: gateway -> enterprise
    pki: Any  # local.pki.Pki: where the gateways' certificates are, and the simulator's own identity
    host: str = "127.0.0.1"
    port: int = 8883
    period_s: float = 5.0
    duplicate_rate: float = 0.0  # share of messages published a second time, unchanged
    malformed_rate: float = 0.0  # share of messages with one corrupted reading or a truncated payload
    stats: dict[str, int] = field(default_factory=lambda: {"messages": 0, "readings": 0})
    leaks: dict[str, Leak] = field(default_factory=dict)
    failed_devices: set[str] = field(default_factory=set)
    _unrelay: Any = None
    _halt: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _links: dict[str, Any] = field(default_factory=dict)  # gateway id -> its own MQTT connection
    _service: Any = None  # control channel and iot-data relay

    def start(self) -> None:
        from awscrt import mqtt

        from local.pki import credentials

        try:
            actuators = dict(getattr(self.seeded, "actuator_gateways", {}) or {})
            relays: set[str] = set()
            for gateway, enterprise in {**self.seeded.gateway_enterprise, **actuators}.items():
                conn = mtls_connection(self.host, self.port, credentials(self.pki.root, gateway), gateway)
                self._links[gateway] = conn
                conn.connect().result(10)
                if enterprise in relays:
                    continue  # one gateway per enterprise carries its actuators' commands
                relays.add(enterprise)
                subscribed, _ = conn.subscribe(
                    f"park/{enterprise}/commands/+",
                    mqtt.QoS.AT_LEAST_ONCE,
                    callback=functools.partial(self._on_command, conn),
                )
                subscribed.result(10)
            self._service = mtls_connection(
                self.host, self.port, self.pki.service("simulator"), f"_simulator-{uuid.uuid4().hex[:6]}"
            )
            self._service.connect().result(10)
            subscribed, _ = self._service.subscribe(CONTROL_TOPIC, mqtt.QoS.AT_LEAST_ONCE, callback=self._on_control)
            subscribed.result(10)
        except BaseException:
            self._disconnect()
            raise
        self._relay_iot_data()
        self._thread = threading.Thread(target=self._run, name="simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._unrelay is not None:
            self._unrelay()
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._disconnect()

    def _disconnect(self) -> None:
        for conn in [*self._links.values(), self._service]:
            if conn is not None:
                with contextlib.suppress(Exception):  # the broker may already be gone
                    conn.disconnect().result(5)
        self._links.clear()
        self._service = None

    def _on_control(self, topic: str, payload: bytes, **_: Any) -> None:
        try:
            command = json.loads(payload)
        except ValueError:
            return
        if command.get("scenario") == "chlorine_leak":
            tag = command.get("tag") or self.seeded.leak_tag
            self.leaks[tag] = Leak(
                tag,
                time.time(),
                float(command.get("base", 0.02)),
                float(command.get("rate_per_s", 0.008)),
                command.get("peak"),
            )
            if command.get("period_s"):
                self.period_s = float(command["period_s"])
        elif command.get("scenario") == "device_failure" and command.get("device"):
            self.failed_devices.add(str(command["device"]))
        elif command.get("scenario") == "device_recover":
            self.failed_devices.discard(str(command.get("device")))
        elif command.get("scenario") == "stop":
            self.leaks.clear()
            self.failed_devices.clear()
            self.period_s = float(command.get("period_s", 5.0))

    def _on_command(self, conn: Any, topic: str, payload: bytes, **_: Any) -> None:
        """A simulated actuator executes the command and acknowledges it through its gateway, unless it was
        told to fail."""
        from awscrt import mqtt

        parts = topic.split("/")  # park/<enterprise>/commands/<device>
        enterprise, device = parts[1], parts[-1]
        try:
            order = json.loads(payload)
        except ValueError:
            return
        if device in self.failed_devices or not isinstance(order, dict) or not order.get("command_id"):
            return
        ack = {
            "command_id": order["command_id"],
            "status": "ok",
            "detail": f"模拟设备已执行 {order.get('command')}",
        }
        conn.publish(f"park/{enterprise}/acks", json.dumps(ack, ensure_ascii=False), mqtt.QoS.AT_LEAST_ONCE)
        self.stats["acks"] = self.stats.get("acks", 0) + 1

    def _relay_iot_data(self) -> None:
        from awscrt import mqtt

        from local import moto_patches

        conn = self._service

        def relay(topic: str, payload: bytes) -> None:
            if topic.startswith("live/"):
                return  # the consoles' live channel: local/live_relay.py carries it
            with contextlib.suppress(Exception):  # the broker may be stopping
                conn.publish(topic, payload, mqtt.QoS.AT_LEAST_ONCE)

        self._unrelay = moto_patches.relay_iot_publishes(relay)

    def _value(self, sensor: dict[str, Any], now: float, rng: random.Random) -> float:
        leak = self.leaks.get(sensor["id"])
        if leak is None:
            return normal_value(sensor, now, rng)
        value = leak.base + leak.rate_per_s * (now - leak.started)
        return round(min(value, leak.peak) if leak.peak is not None else value, 4)

    def publish_once(self, rng: random.Random, seq: int) -> None:
        from awscrt import mqtt

        now = time.time()
        for gateway, sensors in self.seeded.gateways.items():
            enterprise = self.seeded.gateway_enterprise[gateway]
            readings = [
                {"tag_id": s["id"], "ts": int(now * 1000), "value": self._value(s, now, rng), "quality": "good"}
                for s in sensors
            ]
            doc = {"gateway_id": gateway, "seq": seq, "readings": readings}
            if rng.random() < self.malformed_rate:
                payload, carried = self._malformed(doc, rng)
            else:
                payload, carried = json.dumps(doc, separators=(",", ":")), len(readings)
            copies = 2 if rng.random() < self.duplicate_rate else 1
            for _ in range(copies):
                self._links[gateway].publish(f"park/{enterprise}/telemetry", payload, mqtt.QoS.AT_LEAST_ONCE)
            self._count("messages", copies)
            self._count("readings", copies * carried)  # as ingest counts them: a non-JSON message is one
            self._count("duplicates", copies - 1)

    def _malformed(self, doc: dict[str, Any], rng: random.Random) -> tuple[str, int]:
        """One corrupted reading (the rest stay good), or a payload cut short (not JSON): what a faulty gateway
        sends, with the readings ingest will count in it. `stats` counts the kinds (`malformed_json` messages,
        `malformed_readings` messages with one bad reading)."""
        kind = rng.choice(["json", "value", "ts", "quality"])
        self._count("malformed", 1)
        if kind == "json":
            self._count("malformed_json", 1)
            payload = json.dumps(doc, separators=(",", ":"))
            return payload[: len(payload) // 2], 1
        corrupt = {"value": "NaN?", "ts": "yesterday", "quality": ["bad"]}[kind]
        doc["readings"][rng.randrange(len(doc["readings"]))][kind] = corrupt
        self._count("malformed_readings", 1)
        return json.dumps(doc, separators=(",", ":")), len(doc["readings"])

    def _count(self, name: str, n: int) -> None:
        self.stats[name] = self.stats.get(name, 0) + n

    def _run(self) -> None:
        rng, seq = random.Random(42), 0
        due = time.monotonic()
        while not self._halt.is_set():
            seq += 1
            with contextlib.suppress(Exception):  # broker restarting: try again next period
                self.publish_once(rng, seq)
            # on a schedule, not period after period: the rate holds however long a publish takes
            due = max(due + self.period_s, time.monotonic() - self.period_s)
            self._halt.wait(max(0.0, due - time.monotonic()))
