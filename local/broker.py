"""MQTT 3.1.1 broker (amqtt) on 127.0.0.1, in its own thread and event loop; stands in for IoT Core.

Devices: MQTT over TLS (8883) with client certificates from the local CA, and the topic ACL of the device
identity model (`local/mqtt_auth.py`, docs/device-identity.md). Consoles (the live channel, when `ws_port` is
given): MQTT over WebSocket on 127.0.0.1, signed in with the user's bearer token and limited to their live
topics (`local/live_auth.py`); loopback only, like the local API it sits beside (docs/adr/0006-live-channel.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.pki import Pki

DEFAULT_PORT = 8883


class BrokerThread(threading.Thread):
    """Start with `start(); wait_ready()`, stop with `stop()`; nothing is left running afterwards."""

    def __init__(self, pki: Pki, host: str = "127.0.0.1", port: int = DEFAULT_PORT, ws_port: int | None = None) -> None:
        super().__init__(name="mqtt-broker", daemon=True)
        self.host, self.port, self.pki, self.ws_port = host, port, pki, ws_port
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from local.mqtt_auth import DeviceBroker

        logging.getLogger("amqtt").setLevel(logging.WARNING)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop

        async def start() -> None:
            # Broker() must be built inside the running loop; listing plugins replaces the noisy defaults.
            server = self.pki.broker()
            listener = {
                "type": "tcp",
                "bind": f"{self.host}:{self.port}",
                "ssl": True,
                "cafile": str(self.pki.ca),
                "certfile": str(server.cert),
                "keyfile": str(server.key),
            }
            listeners: dict[str, Any] = {"default": listener}
            if self.ws_port is not None:
                listeners["live"] = {"type": "ws", "bind": f"127.0.0.1:{self.ws_port}"}
            self._broker = DeviceBroker(
                {
                    "listeners": listeners,
                    "plugins": {"local.mqtt_auth.DeviceIdentityPlugin": {"devices_dir": str(self.pki.root)}},
                },
                self.pki.root,
            )
            if self.ws_port is not None:
                # amqtt copies the default listener's values into another listener wherever that one keeps a
                # default (ssl=False is one): the consoles' listener would inherit TLS. Plain ws, on loopback.
                self._broker.listeners_config["live"].ssl = False
            await self._broker.start()

        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # port in use, typically: reported by wait_ready
            self.error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        loop.run_forever()
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    @property
    def ws_url(self) -> str:
        """The live channel's URL for browsers (mqtt.js), empty without a WebSocket listener."""
        return f"ws://127.0.0.1:{self.ws_port}/mqtt" if self.ws_port is not None else ""

    def wait_ready(self, timeout: float = 10) -> None:
        if not self._ready.wait(timeout):
            raise RuntimeError("MQTT broker did not start")
        if self.error is not None:
            raise RuntimeError(f"MQTT broker failed on {self.host}:{self.port}: {self.error}") from self.error

    def stop(self) -> None:
        if self._loop is None or self._broker is None or not self._loop.is_running():
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self.join(timeout=5)
