"""`make run`: the whole system on one machine over moto, in one process, stopped cleanly by Ctrl-C/SIGTERM.

moto (Step Functions execution on) · every resource from the catalogue · Lambdas in-process ·
amqtt on 127.0.0.1:8883 (MQTT over TLS, client certificates of the local CA) + rule bridge · SQS pollers ·
schedules · REST API on 127.0.0.1:8000 · seeded demo park with one certificate per gateway in
.local/devices/ · simulator publishing telemetry as those gateways. Writes .local/stack.json and
.local/tokens.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Another directory for a second stack beside `make run` (the browser tests start theirs in a temporary one).
STATE = Path(os.environ.get("CHEMPARK_LOCAL_STATE") or ROOT / ".local")


@dataclass
class Stack:
    """Handles to every running part, stopped in reverse order of start."""

    api_port: int
    mqtt_port: int
    ws_port: int = 0  # the live channel: MQTT over WebSocket for consoles
    moto_url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    parts: list[tuple[str, Any]] = field(default_factory=list)
    provisioned: Any = None
    seeded: Any = None
    pki: Any = None  # local.pki.Pki: the device CA and certificates under .local/devices/
    issuer: Any = None  # local.issuer.Issuer: signs the console's sign-ins (local.console)

    def add(self, name: str, part: Any) -> Any:
        self.parts.append((name, part))
        return part

    def stop(self) -> None:
        for _name, part in reversed(self.parts):
            try:
                part.stop()
            except Exception as exc:  # keep stopping the rest
                print(f"  ! stopping {_name}: {exc}", file=sys.stderr)
        self.parts.clear()
        (STATE / "stack.json").unlink(missing_ok=True)


def thread_safe(app: Any) -> Any:
    """The app with one `current_request` per thread. Chalice keeps the request being handled on the app object:
    a process answering from several threads (this server, the tests' client) would let one request read
    another's, and with it the caller's identity. chalice.local's own server does this, once per process."""
    from chalice.local import CustomLocalChalice, LocalChalice

    if not isinstance(app, LocalChalice):
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return app


class _ApiServer:
    """The Chalice local server, answering every HTTP method through the app: Chalice's handler knows seven
    methods and http.server answers any other (TRACE, CONNECT, PROPFIND...) with an HTML 501, while the app
    answers a method a path does not declare with 405 in the project's error shape (core.responses)."""

    def __init__(self, app: Any, port: int, issuer: Any = None, tokens: dict[str, str] | None = None) -> None:
        from chalice.config import Config
        from chalice.local import ChaliceRequestHandler, LocalDevServer

        from local import console

        # With the issuer, /console/ serves the operations console and signs its users in (tokens: filled later).
        site = console.ConsoleSite(issuer, tokens if tokens is not None else {}) if issuer is not None else None

        class AnyMethod(ChaliceRequestHandler):
            # Chalice writes the headers and the body separately: with Nagle on, a keep-alive client (a browser,
            # schemathesis) waits for the delayed ACK, ~40 ms per request.
            disable_nagle_algorithm = True

            def _console_or_api(self) -> None:  # /console/ is the operations console (local.console)
                if site is not None and console.ConsoleSite.serves(self.path):
                    console.respond(self, site)
                else:
                    self._generic_handle()

            do_GET = do_HEAD = do_POST = _console_or_api

            def __getattr__(self, name: str) -> Any:
                if name.startswith("do_"):  # http.server looks up do_<METHOD> for the request line's method
                    return self._generic_handle
                raise AttributeError(name)

        from chalicelib.core import lazy

        lazy.load_all()  # it serves from threads, and Python 3.11's lazy loader is not thread-safe (core.lazy)
        config = Config.create(chalice_stage="local", app_name="chempark", lambda_timeout=60, lambda_memory_size=512)
        self.server = LocalDevServer(thread_safe(app), config, "127.0.0.1", port, handler_cls=AnyMethod)
        self.thread = threading.Thread(target=self.server.server.serve_forever, name="api", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server.server_close()
        self.thread.join(timeout=5)


class _Moto:
    def __init__(self, server: Any) -> None:
        self.server = server

    def stop(self) -> None:
        self.server.stop()


def _tokens(issuer: Any, seeded: Any) -> dict[str, str]:
    """One ready token per role; enterprise roles get one token per demo enterprise."""
    from chalicelib.core.identity import ENTERPRISE_ROLES, Role

    tokens: dict[str, str] = {}
    people = getattr(seeded, "people", {}) or {}
    for role in Role:
        if role in ENTERPRISE_ROLES:
            for enterprise_id in getattr(seeded, "enterprise_ids", []):
                subject = people.get(f"{role.value}:{enterprise_id}", f"{role.value}-{enterprise_id}")
                tokens[f"{role.value}:{enterprise_id}"] = issuer.token(subject, [role.value], enterprise_id)
        else:
            tokens[role.value] = issuer.token(people.get(role.value, f"demo-{role.value}"), [role.value])
    return tokens


def cursor_key(directory: Path) -> str:
    """The embedded stack's page-cursor HMAC key: generated once into .local/ (never committed), so cursors
    survive a restart of `make run` as they survive a redeploy in AWS."""
    path = directory / "cursor.key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def start(
    api_port: int = 8000, mqtt_port: int = 8883, simulate: bool = True, quiet: bool = False, ws_port: int = 0
) -> Stack:
    """Bring everything up; the caller owns `stack.stop()`. `mqtt_port` is the broker's TLS listener, `ws_port`
    its WebSocket listener for consoles (0: a free port)."""
    from local import env

    ws_port = ws_port or env.free_port()
    os.environ["CHEMPARK_LIVE_URL"] = f"ws://127.0.0.1:{ws_port}/mqtt"  # what GET /live/connection hands out

    env.configure(stage="local")
    env.share_botocore_loader()
    # EMF metric lines would drown the console; CloudWatch is not here to read them anyway.
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    # The simulator's hazmat truck overstays within minutes, not after the 6 h a deployment keeps.
    os.environ.setdefault("CHEMPARK_VEHICLE_DWELL_MAX_S", "300")
    from local.issuer import Issuer

    STATE.mkdir(exist_ok=True)
    (STATE / "logs").mkdir(exist_ok=True)
    env.log_to_file(STATE / "logs" / "lambda.log")
    issuer = Issuer.load_or_create(STATE)
    os.environ["CHEMPARK_JWT_PUBLIC_KEY"] = issuer.public_pem
    os.environ["CHEMPARK_CURSOR_KEY"] = cursor_key(STATE)
    stack = Stack(api_port=api_port, mqtt_port=mqtt_port, ws_port=ws_port, issuer=issuer)
    try:
        server, stack.moto_url = env.start_moto()
        stack.add("moto", _Moto(server))
        from local.provision import provision

        stack.provisioned = provision()
        import app as chalice_app
        from chalicelib.core import lazy
        from local import seed

        lazy.load_all()  # the poller and the scheduler run Lambdas on threads (the lazy loader is not thread-safe)
        from local.pki import Pki

        stack.pki = Pki.load_or_create(STATE / "devices")
        stack.seeded = seed.seed(pki=stack.pki, token=issuer.token("seed", ["park_admin"], name="演示数据初始化"))
        from local.broker import BrokerThread

        broker = stack.add("mqtt broker", BrokerThread(stack.pki, port=mqtt_port, ws_port=ws_port))
        broker.start()
        broker.wait_ready()
        from local.live_relay import LiveRelay

        stack.add("live relay", LiveRelay(stack.pki.service("live-relay"), port=mqtt_port)).start()
        from local.bridge import RuleBridge

        bridge = RuleBridge(stack.provisioned.rules, stack.pki.service("rule-bridge"), port=mqtt_port)
        stack.add("rule bridge", bridge).start()
        from local.poller import SqsPoller
        from local.scheduler import Scheduler

        for source in stack.provisioned.sqs_sources:
            stack.add(f"poller {source.function}", SqsPoller(source, "us-east-1")).start()
        stack.add("scheduler", Scheduler(stack.provisioned.schedules)).start()
        stack.add("api", _ApiServer(chalice_app.app, api_port, issuer, stack.tokens)).start()
        stack.tokens.update(_tokens(issuer, stack.seeded))  # the API server's console sign-in reads the same dict
        if simulate:
            _simulate(stack)
        (STATE / "tokens.json").write_text(json.dumps(stack.tokens, indent=2, ensure_ascii=False))
        _write_state(stack)
    except BaseException:
        stack.stop()
        raise
    return stack


def _simulate(stack: Stack) -> None:
    """The demo park's life: gateways publishing telemetry over MQTT, then gate events, the hazmat truck and a
    patrol round through the API like their systems."""
    from local.park_activity import ParkActivity
    from local.simulator import Simulator

    stack.add("simulator", Simulator(stack.seeded, stack.pki, port=stack.mqtt_port)).start()
    stack.add("park activity", ParkActivity(f"http://127.0.0.1:{stack.api_port}", stack.tokens)).start()


def _write_state(stack: Stack) -> None:
    """`.local/stack.json`: where each service listens, for `make demo`, the console tests and a developer."""
    api_port, mqtt_port = stack.api_port, stack.mqtt_port
    (STATE / "stack.json").write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "api": f"http://127.0.0.1:{api_port}",
                "mqtt": f"127.0.0.1:{mqtt_port}",  # TLS, client certificates
                "live": os.environ["CHEMPARK_LIVE_URL"],  # MQTT over WebSocket, the user's token
                "devices": str(stack.pki.root),
                "gateways": {**stack.seeded.gateway_enterprise, **stack.seeded.actuator_gateways},
                "moto": stack.moto_url,
                "env": {
                    k: v
                    for k, v in os.environ.items()
                    if k.startswith("CHEMPARK_") and k not in ("CHEMPARK_JWT_PUBLIC_KEY", "CHEMPARK_CURSOR_KEY")
                },
            },
            indent=2,
        )
    )


def banner(stack: Stack) -> str:
    seeded = stack.seeded
    lines = [
        "chempark-safety embedded stack is running (Ctrl-C stops everything)",
        f"  REST API      http://127.0.0.1:{stack.api_port}   (GET /health, GET /openapi.json)",
        f"  console       http://127.0.0.1:{stack.api_port}/console/   (operations console, sign in as a demo user)",
        f"  MQTT broker   127.0.0.1:{stack.mqtt_port}   (MQTT over TLS; park/<enterprise_id>/telemetry)",
        f"  live channel  ws://127.0.0.1:{stack.ws_port}/mqtt   (MQTT over WebSocket, consoles; GET /live/connection)",
        f"  device certs  {stack.pki.root}/<gateway_id>/cert.pem, key.pem   (CA {stack.pki.ca})",
        f"  moto (AWS)    {stack.moto_url}",
        f"  demo park     {len(seeded.enterprise_ids)} enterprises, {seeded.installations} installations, "
        f"{seeded.sensors} sensors, {seeded.cameras} cameras",
        f"  tokens        {STATE / 'tokens.json'}",
        f"  Lambda logs   {STATE / 'logs' / 'lambda.log'}   (tail -f to watch the ingest Lambda)",
        "",
    ]
    width = max(len(k) for k in stack.tokens)
    lines += [f"  {role.ljust(width)}  {token}" for role, token in stack.tokens.items()]
    lines += [
        "",
        '  e.g. curl -H "Authorization: Bearer $(jq -r .park_admin .local/tokens.json)" '
        f"http://127.0.0.1:{stack.api_port}/me",
    ]
    return "\n".join(lines)


def _status(stack: Stack) -> str:
    from local import moto_patches

    bridge = next((p for n, p in stack.parts if n == "rule bridge"), None)
    pollers = [p for n, p in stack.parts if n.startswith("poller")]
    sim = next((p for n, p in stack.parts if n == "simulator"), None)
    received = bridge.stats["received"] if bridge else 0
    records = sum(p.stats["records"] for p in pollers)
    invocations = len(moto_patches.invocations)
    sent = sim.stats["messages"] if sim else 0
    return (
        f"[{time.strftime('%H:%M:%S')}] simulator sent {sent} msgs · bridge forwarded {received} · "
        f"ingest Lambda got {records} msgs · Lambda invocations {invocations}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-port", type=int, default=8000)
    parser.add_argument(
        "--mqtts-port",
        "--mqtt-port",
        dest="mqtts_port",
        type=int,
        default=8883,
        help="the broker's MQTT-over-TLS listener (there is no plain-text one)",
    )
    parser.add_argument("--ws-port", type=int, default=0, help="the live channel's WebSocket listener (0: a free port)")
    parser.add_argument("--no-simulator", action="store_true")
    parser.add_argument("--status-every", type=float, default=30.0)
    args = parser.parse_args()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stack = start(args.api_port, args.mqtts_port, simulate=not args.no_simulator, ws_port=args.ws_port)
    print(banner(stack), flush=True)
    try:
        while not stop.wait(args.status_every):
            print(_status(stack), flush=True)
    finally:
        print("stopping ...", flush=True)
        stack.stop()
        print("stopped: no process left behind", flush=True)


if __name__ == "__main__":
    main()
