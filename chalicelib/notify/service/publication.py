"""Publication channels for warnings and instructions (5.2.3-3): SMS, app push, SNS fan-out, broadcast,
outdoor board and portal, each behind the same `publish` so a park can swap an adapter.

Broadcast and boards are IoT devices reached by `park/{enterprise_id}/commands/{device}`; the portal reads
a JSON feed in the reports bucket; the app channel pushes to the audience's registered devices (service.push);
the fan-out is an SNS message on the notifications topic whose `channel` and `audience` attributes the
subscribers filter on.
"""

from __future__ import annotations

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


def _app(audience: str, text: str, ref: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The app channel: a push to the audience's devices (a red warning is heard even in quiet hours)."""
    level = (doc.get("verification") or {}).get("level", "")
    title = "【演练】园区预警" if doc.get("drill") else "园区预警"
    counts = push.to_audience(
        f"{ref}:{audience}", audience, Category.WARNING, title, text, doc.get("enterprise_id"),
        {"warning_id": ref, "level": level}, critical=level == "red",
    )  # fmt: skip
    return {"ref": f"{counts['sent']}/{counts['devices']} pushed", "ok": not counts["failed"], "pushes": counts}


def publish(channel: str, audience: str, text: str, ref: str, doc: dict[str, Any]) -> dict[str, Any]:
    """Publish one message on one channel; never raises (a failed channel is reported, the others go on)."""
    result: dict[str, Any] = {"channel": channel, "audience": audience, "ok": True, "at": clock.now_ms()}
    try:
        if channel == "sms":
            people = recipients(audience, doc)
            enterprise_id = doc.get("enterprise_id") or PARK
            sent = sum(send_sms(f"{ref}:{audience}", r, text, "warning", enterprise_id) for r in people)
            result["ref"] = f"{sent}/{len(people)} sent"
        elif channel == "app":
            result.update(_app(audience, text, ref, doc))
        elif channel == "sns":
            result["ref"] = _sns(channel, audience, text, ref, doc)
        elif channel in PARK_DEVICES:
            topic = f"park/{doc.get('enterprise_id') or PARK}/commands/{PARK_DEVICES[channel]}"
            aws.client("iot-data").publish(
                topic=topic,
                qos=1,
                payload=orjson.dumps(
                    {"command": "display" if channel == "board" else "announce", "text": text, "ref": ref}
                ),
            )
            result["ref"] = topic
        elif channel == "portal":
            key = f"portal/warnings/{ref}.json"
            aws.client("s3").put_object(
                Bucket=catalog.bucket_name("reports"),
                Key=key,
                ContentType="application/json",
                Body=orjson.dumps({"ref": ref, "text": text, "published_ms": result["at"]}),
            )
            result["ref"] = key
        else:
            raise ValueError(f"unknown channel {channel}")
    except Exception as exc:  # one channel failing must not stop the others
        logger.exception("publication failed", extra={"channel": channel, "ref": ref})
        result.update(ok=False, error=type(exc).__name__)
    return result
