"""Publication channels for warnings and instructions (5.2.3-3): SMS, app push, SNS fan-out, broadcast,
outdoor board and portal, each behind the same `publish` so a park can swap an adapter.

Broadcast and boards are IoT devices reached by `park/{enterprise_id}/commands/{device}`; the portal reads
a JSON feed in the reports bucket; the app channel pushes to the audience's registered devices (service.push);
the fan-out is an SNS message on the notifications topic whose `channel` and `audience` attributes the
subscribers filter on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from chalicelib.core import aws, catalog, clock
from chalicelib.core.identity import PARK
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.duty import service as duty
from chalicelib.notify.domain import Category
from chalicelib.notify.service import push
from chalicelib.notify.service.sms import Recipient, send_sms
from chalicelib.registry import service as registry

PARK_DEVICES = {"broadcast": "park-broadcast", "board": "park-board-1"}


def recipients(audience: str, doc: dict[str, Any]) -> list[Recipient]:
    """SMS recipients of an audience: the enterprise's managers and 包保责任人, or the park's managers and duty."""
    people: list[tuple[str, str]] = []  # (name, phone)
    if audience == "enterprise":
        people = [
            (c.name, c.phone) for c in registry.enterprise_contacts(doc["enterprise_id"], doc.get("installation_id"))
        ]
    elif audience == "park":
        people = [(c.name, c.phone) for c in registry.park_contacts()]
        people += [(p.name, p.phone) for level in duty.escalation_chain() for p in level]
    unique = {phone: name for name, phone in people}
    return [Recipient(name, phone, Priority.LOW) for phone, name in unique.items()]


def _sns(channel: str, audience: str, text: str, ref: str, doc: dict[str, Any]) -> str:
    level = (doc.get("verification") or {}).get("level", "")
    reply = aws.client("sns").publish(
        TopicArn=catalog.topic_arn("notifications"),
        Message=orjson.dumps(
            {
                "ref": ref,
                "audience": audience,
                "channel": channel,
                "level": level,
                "text": text,
                "enterprise_id": doc.get("enterprise_id"),
                "drill": bool(doc.get("drill")),
            }
        ).decode(),
        MessageAttributes={
            k: {"DataType": "String", "StringValue": str(v) or "-"}
            for k, v in {
                "channel": channel,
                "audience": audience,
                "level": level or "-",
                "enterprise_id": doc.get("enterprise_id") or "-",
                "drill": "true" if doc.get("drill") else "false",
            }.items()
        },
    )
    return str(reply["MessageId"])


@dataclass(frozen=True)
class PushCounts:
    """The app channel's pushes of one publication: the audience's devices and what each delivery became."""

    devices: int
    sent: int
    silent: int
    off: int
    rejected: int
    already: int
    failed: int

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> PushCounts:
        return cls(**{f.name: int(counts.get(f.name, 0)) for f in dataclasses.fields(cls)})

    def public(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Publication:
    """One message published on one channel (what the warnings context keeps on the warning). `ref`: what the
    channel answered (sent/recipients, a message id, a topic, a key); None with `error` when it failed."""

    channel: str
    audience: str
    ok: bool
    at: int
    ref: str | None = None
    pushes: PushCounts | None = None  # the app channel's
    error: str | None = None  # the exception's type name

    def public(self) -> dict[str, Any]:
        """As the warning's `publication` stores it."""
        out: dict[str, Any] = {"channel": self.channel, "audience": self.audience, "ok": self.ok, "at": self.at}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.pushes is not None:
            out["pushes"] = self.pushes.public()
        if self.error is not None:
            out["error"] = self.error
        return out


def _app(audience: str, text: str, ref: str, doc: dict[str, Any]) -> PushCounts:
    """The app channel: a push to the audience's devices (a red warning is heard even in quiet hours)."""
    level = (doc.get("verification") or {}).get("level", "")
    title = "【演练】园区预警" if doc.get("drill") else "园区预警"
    counts = push.to_audience(
        f"{ref}:{audience}", audience, Category.WARNING, title, text, doc.get("enterprise_id"),
        {"warning_id": ref, "level": level}, critical=level == "red",
    )  # fmt: skip
    return PushCounts.of(counts)


def _send(channel: str, audience: str, text: str, ref: str, doc: dict[str, Any], at: int) -> str:
    """Send on one channel other than the app's; what the channel answered."""
    if channel == "sms":
        people = recipients(audience, doc)
        enterprise_id = doc.get("enterprise_id") or PARK
        sent = sum(send_sms(f"{ref}:{audience}", r, text, "warning", enterprise_id) for r in people)
        return f"{sent}/{len(people)} sent"
    if channel == "sns":
        return _sns(channel, audience, text, ref, doc)
    if channel in PARK_DEVICES:
        topic = f"park/{doc.get('enterprise_id') or PARK}/commands/{PARK_DEVICES[channel]}"
        command = "display" if channel == "board" else "announce"
        aws.client("iot-data").publish(
            topic=topic, qos=1, payload=orjson.dumps({"command": command, "text": text, "ref": ref})
        )
        return topic
    if channel == "portal":
        key = f"portal/warnings/{ref}.json"
        aws.client("s3").put_object(
            Bucket=catalog.bucket_name("reports"),
            Key=key,
            ContentType="application/json",
            Body=orjson.dumps({"ref": ref, "text": text, "published_ms": at}),
        )
        return key
    raise ValueError(f"unknown channel {channel}")


def publish(channel: str, audience: str, text: str, ref: str, doc: dict[str, Any]) -> Publication:
    """Publish one message on one channel; never raises (a failed channel is reported, the others go on)."""
    at = clock.now_ms()
    try:
        if channel == "app":
            pushes = _app(audience, text, ref, doc)
            answer = f"{pushes.sent}/{pushes.devices} pushed"
            return Publication(channel, audience, not pushes.failed, at, answer, pushes)
        return Publication(channel, audience, True, at, _send(channel, audience, text, ref, doc, at))
    except Exception as exc:  # one channel failing must not stop the others
        logger.exception("publication failed", extra={"channel": channel, "ref": ref})
        return Publication(channel, audience, False, at, error=type(exc).__name__)
