"""Device identity on the embedded broker, the local twin of the AWS IoT policy (infra/devices.py).

Mutual TLS with the local CA (`local/pki.py`): a client without a certificate, or with one another CA signed,
fails the handshake. The certificate must be the one on file for its name (rotation and revocation), and a
gateway connects only as itself (client id = CN = gateway id). Topics follow `catalog.DEVICE_TOPICS`: a
gateway publishes only to `park/<its enterprise>/telemetry|acks`, subscribes to and receives only
`park/<its enterprise>/commands/<device>`. Internal clients of the stack (OU=service, client ids starting
with `_`) stand in for IoT Core's own rule engine and data plane and may use any topic.

amqtt 0.12.1 resets or resumes the session named by a CONNECT before it authenticates, a resumed session keeps
the previous connection's certificate, and a clean-session CONNECT leaves the previous connection of that client
id open without its session; `DeviceBroker` closes these gaps (see its methods).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from amqtt.adapters import WebSocketsWriter
from amqtt.broker import Broker
from amqtt.contexts import Action
from amqtt.errors import MQTTError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from chalicelib.core.catalog import DEVICE_TOPICS
from local import live_auth
from local.pki import GATEWAY, SERVICE, registered_path

log = logging.getLogger(__name__)  # the console of `make run`, not the Lambdas' log
_IDENTITY = "_chempark_identity"  # attribute set on an authenticated amqtt Session
_CONNECTING: contextvars.ContextVar[Any] = contextvars.ContextVar("connecting_writer", default=None)


@dataclass(frozen=True)
class ClientIdentity:
    kind: str  # GATEWAY | SERVICE | live_auth.BROWSER (a console on the WebSocket listener, by its token)
    name: str  # gateway id, or the internal client's name
    enterprise_id: str | None
    der: bytes


def _attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if len(values) == 1 else None


@functools.lru_cache(maxsize=1024)
def identity_of(der: bytes) -> ClientIdentity | None:
    """Who a (chain-verified) certificate names; None when it is neither a gateway's nor a service's."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    kind, name = _attr(cert, NameOID.ORGANIZATIONAL_UNIT_NAME), _attr(cert, NameOID.COMMON_NAME)
    enterprise = _attr(cert, NameOID.ORGANIZATION_NAME)
    if not name or kind not in (GATEWAY, SERVICE) or (kind == GATEWAY and not enterprise):
        return None
    return ClientIdentity(kind, name, enterprise if kind == GATEWAY else None, der)


def peer_identity(ssl_object: ssl.SSLObject | None, devices_dir: Path) -> ClientIdentity | None:
    """The TLS peer's identity, if its certificate is the one on file for its name (not rotated or revoked)."""
    der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    who = identity_of(der) if der else None
    if who is None:
        return None
    try:
        pem = registered_path(devices_dir, who.kind, who.name).read_bytes()
        on_file = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    except (OSError, ValueError):
        return None
    return who if on_file == who.der else None


def may_connect(who: ClientIdentity, client_id: str | None) -> bool:
    """A gateway connects only as its thing name; internal clients only under ids no gateway can have."""
    if not client_id:
        return False
    if who.kind == live_auth.BROWSER:
        return live_auth.may_connect(client_id)
    if who.kind == GATEWAY:
        return client_id == who.name
    return client_id == f"_{who.name}" or client_id.startswith(f"_{who.name}-")


def _own(who: ClientIdentity, levels: list[str]) -> bool:
    return len(levels) >= 3 and levels[0] == "park" and levels[1] == who.enterprise_id


def may_publish(who: ClientIdentity, topic: str) -> bool:
    if who.kind == SERVICE:
        return True
    if who.kind == live_auth.BROWSER:
        return False  # consoles listen; they act through the API
    levels = topic.split("/")
    return _own(who, levels) and len(levels) == 3 and levels[2] in DEVICE_TOPICS.publish


def may_subscribe(who: ClientIdentity, topic_filter: str) -> bool:
    """`park/<own enterprise>/commands/<device or +>`; no `#`, nothing wider."""
    if who.kind == SERVICE:
        return True
    if who.kind == live_auth.BROWSER:
        return live_auth.may_subscribe(who.enterprise_id, topic_filter)
    levels = topic_filter.split("/")
    return (
        _own(who, levels)
        and len(levels) == 4
        and levels[2] == DEVICE_TOPICS.subscribe
        and bool(levels[3])
        and "#" not in levels[3]
        and (levels[3] == "+" or "+" not in levels[3])
    )


def may_receive(who: ClientIdentity, topic: str) -> bool:
    if who.kind == SERVICE:
        return True
    if who.kind == live_auth.BROWSER:
        return live_auth.may_receive(who.enterprise_id, topic)
    levels = topic.split("/")
    return _own(who, levels) and len(levels) == 4 and levels[2] == DEVICE_TOPICS.subscribe and bool(levels[3])


_CHECKS = {Action.PUBLISH: may_publish, Action.SUBSCRIBE: may_subscribe, Action.RECEIVE: may_receive}


class DeviceIdentityPlugin(BaseAuthPlugin, BaseTopicPlugin):
    """amqtt auth + topic plugin: admits a client by its certificate and checks every publish, subscribe and
    delivery against its identity."""

    @dataclass
    class Config:
        devices_dir: str

    async def authenticate(self, *, session: Any) -> bool:
        held = getattr(session, _IDENTITY, None)
        if held is not None and held.kind == live_auth.BROWSER:  # admitted by its token (DeviceBroker)
            return may_connect(held, session.client_id)
        who = peer_identity(session.ssl_object, Path(self.config.devices_dir))
        if who is None or not may_connect(who, session.client_id):
            log.warning("refused MQTT client %r: certificate not admitted for this client id", session.client_id)
            return False
        setattr(session, _IDENTITY, who)
        return True

    async def topic_filtering(self, *, session: Any = None, topic: str | None = None, action: Any = None) -> bool:
        who: ClientIdentity | None = getattr(session, _IDENTITY, None)
        check = _CHECKS.get(action)
        allowed = who is not None and topic is not None and check is not None and check(who, topic)
        if not allowed and action != Action.RECEIVE:
            log.warning("refused %s of %r by %r", action, topic, getattr(who, "name", None))
        return allowed


class DeviceBroker(Broker):
    """amqtt's Broker with client certificates required and sessions bound to the certificate's identity."""

    def __init__(self, config: dict[str, Any], devices_dir: Path) -> None:
        super().__init__(config)
        self.devices_dir = devices_dir

    @staticmethod
    def _create_ssl_context(listener: Any) -> ssl.SSLContext:
        # amqtt asks for a client certificate (CERT_OPTIONAL); a device must present one, or no TLS session.
        context = Broker._create_ssl_context(listener)
        context.verify_mode = ssl.CERT_REQUIRED
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    async def _initialize_client_session(self, reader: Any, writer: Any, address: str, port: int) -> Any:
        token = _CONNECTING.set(writer)
        try:
            handler, session = await super()._initialize_client_session(reader, writer, address, port)
        finally:
            _CONNECTING.reset(token)
        if isinstance(writer, WebSocketsWriter):  # a console: its user's token, not a certificate
            return await self._admit_browser(handler, session, writer)
        # A resumed session (clean_session=0) carries the previous connection's TLS object: use this one's.
        session.ssl_object = writer.get_ssl_info()
        who = peer_identity(session.ssl_object, self.devices_dir)
        if who is None or not may_connect(who, session.client_id):
            # Refuse before amqtt's take-over of a connected session of that client id.
            with contextlib.suppress(OSError):  # the client may be gone already
                await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
                await writer.close()
            raise MQTTError(f"client id {session.client_id!r} not admitted for the presented certificate")
        return handler, session

    async def _admit_browser(self, handler: Any, session: Any, writer: Any) -> Any:
        found = live_auth.verify(session.username, session.password)
        who = ClientIdentity(live_auth.BROWSER, found[0], found[1], b"") if found else None
        if who is None or not may_connect(who, session.client_id):
            with contextlib.suppress(OSError):
                await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
                await writer.close()
            raise MQTTError(f"browser client {session.client_id!r} not admitted")
        setattr(session, _IDENTITY, who)
        return handler, session

    async def _delete_session(self, client_id: str) -> None:
        # Called for a clean-session CONNECT before authentication: leave another identity's session alone
        # (the connection is refused right after, in _initialize_client_session).
        writer = _CONNECTING.get()
        if isinstance(writer, WebSocketsWriter) and not live_auth.may_connect(client_id):
            return  # a browser never takes over a device's or a service's session
        if writer is not None and not isinstance(writer, WebSocketsWriter):
            who = peer_identity(writer.get_ssl_info(), self.devices_dir)
            if who is None or not may_connect(who, client_id):
                return
        # The same identity again: disconnect the connection that holds the session [MQTT-3.1.4-2], as IoT
        # Core does; amqtt only forgets the session and leaves that connection open, deaf and unaware.
        held = self._sessions.get(client_id)
        if held is not None and held[0].transitions.is_connected():
            with contextlib.suppress(Exception):
                await held[1].handle_connection_closed()
                await held[1].stop()
        await super()._delete_session(client_id)
