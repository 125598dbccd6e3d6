"""MQTT 3.1.1 broker (amqtt) on 127.0.0.1, in its own thread and event loop; stands in for IoT Core.

One listener only: MQTT over TLS (8883) with client certificates from the local CA, and the topic ACL of the
device identity model (`local/mqtt_auth.py`, docs/device-identity.md). There is no plain-text listener.
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

    def __init__(self, pki: Pki, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        super().__init__(name="mqtt-broker", daemon=True)
        self.host, self.port, self.pki = host, port, pki
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
            self._broker = DeviceBroker(
                {
                    "listeners": {"default": listener},
                    "plugins": {"local.mqtt_auth.DeviceIdentityPlugin": {"devices_dir": str(self.pki.root)}},
                },
                self.pki.root,
            )
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
