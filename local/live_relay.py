"""The IoT data plane's delivery of live-channel messages, locally: what `iot-data` Publish (moto) receives on
`live/...` is published on the embedded broker, as IoT Core would deliver it to subscribed consoles.

The publisher (chalicelib/live/service.py) is the same code in AWS; only this relay is local. Device commands are
relayed by the simulator, which plays the devices; this relay carries the `live/` topics only.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from local import moto_patches

PREFIX = "live/"


class LiveRelay:
    """Start with `start()` once the broker is up; `stop()` undoes the relay and disconnects."""

    def __init__(self, credentials: Any, host: str = "127.0.0.1", port: int = 8883) -> None:
        self.credentials, self.host, self.port = credentials, host, port
        self._client: Any = None
        self._undo: Any = None
        self.relayed = 0

    def start(self) -> None:
        import threading

        import paho.mqtt.client as mqtt

        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"_live-relay-{uuid.uuid4().hex[:6]}", protocol=mqtt.MQTTv311
        )
        creds = self.credentials
        client.tls_set(ca_certs=str(creds.ca), certfile=str(creds.cert), keyfile=str(creds.key))
        connected = threading.Event()
        client.on_connect = lambda c, u, f, rc, p: connected.set() if not rc.is_failure else None
        client.connect(self.host, self.port)
        client.loop_start()
        if not connected.wait(10):
            client.loop_stop()
            raise RuntimeError(f"live relay could not connect to the broker on {self.host}:{self.port}")
        self._client = client

        def relay(topic: str, payload: bytes) -> None:
            if topic.startswith(PREFIX):
                with contextlib.suppress(Exception):  # the broker may be stopping
                    client.publish(topic, payload, qos=1)
                    self.relayed += 1

        self._undo = moto_patches.relay_iot_publishes(relay)

    def stop(self) -> None:
        if self._undo is not None:
            self._undo()
            self._undo = None
        if self._client is not None:
            with contextlib.suppress(Exception):  # first: the loop ends at once instead of after its 1 s select
                self._client.disconnect()
            self._client.loop_stop()
            self._client = None
