"""Public-area events (5.1.3): a report raises (or updates) an event alarm in the alarm engine, triggers the
linkage rules configured for its kind (the linkage context's rules and commands), and is kept for listing.

Idempotent by the client's event id: the first report claims the id (a conditional put); a repeat answers the
stored event. A report interrupted after the claim is finished by its retry (alarm, linkage, then `alarm_id`
stored last), so a retry never leaves an event without its alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.alarms import service as alarms
from chalicelib.core import clock, errors, ids
from chalicelib.core.identity import PARK, Identity
from chalicelib.core.observability import logger
from chalicelib.core.pagination import decode_cursor, encode_cursor
from chalicelib.core.schemas import Priority
from chalicelib.core.store import conditional, get_or_404, scoped_page
from chalicelib.linkage import service as linkage
from chalicelib.publicarea import domain, store
from chalicelib.publicarea.schemas import PublicEventIn
from chalicelib.registry import service as registry

EVENT_ID_TAKEN = errors.define(
    "PUBLIC_EVENT_ID_TAKEN",
    409,
    "事件编号已被其他单位使用",
    "Another owner's public event already has this client event id; choose ids in your own namespace.",
)


@dataclass(frozen=True)
class Origin:
    """Where a report comes from: the owner of its camera or sensor (None: the park), and names for people."""

    enterprise_id: str | None
    where: str
    installation_id: str | None = None


def _origin(body: PublicEventIn, who: Identity) -> Origin:
    """The camera or sensor named (422 naming it when the caller cannot see it), else the caller's own scope."""
    for field, kind in (("camera_id", registry.CAMERA), ("sensor_id", registry.SENSOR)):
        device_id = getattr(body, field)
        if device_id is None:
            continue
        try:
            device = registry.camera(device_id, who) if kind is registry.CAMERA else registry.sensor(device_id, who)
        except errors.AppError as exc:
            if exc.error is not errors.NOT_FOUND:
                raise
            raise errors.invalid_field(f"body.{field}", f"设备 {device_id} 不存在", "reference") from None
        owner = device.enterprise_id
        return Origin(None if owner in (None, PARK) else owner, device.name, device.installation_id)
    return Origin(who.enterprise_id, f"({body.location.lat:.5f}, {body.location.lon:.5f})")


def report(body: PublicEventIn, who: Identity) -> tuple[dict[str, Any], bool]:
    """Record a public-area event, raise its alarm and run its linkage; (the event, whether it is new)."""
    ids.check_namespace(body.event_id, who.enterprise_id, "body.event_id")
    origin = _origin(body, who)
    priority = domain.priority(body.kind, body.confidence)
    doc = {
        "kind_label": domain.KIND_LABEL[body.kind],
        "camera_id": body.camera_id,
        "sensor_id": body.sensor_id,
        "location": body.location.model_dump(),
        "confidence": body.confidence,
        "snapshot_key": body.snapshot_key,
        "priority": priority.value,
        "title": domain.title(body.kind, origin.where, body.confidence),
        "installation_id": origin.installation_id,
        "linkage": None,
    }
    item = store.PublicEventModel(
        body.event_id,
        enterprise_id=origin.enterprise_id or PARK,
        kind=body.kind,
        at_ms=clock.to_ms(body.at),
        doc=doc,
        created_ms=clock.now_ms(),
    )
    with conditional() as claim:
        item.save(condition=store.PublicEventModel.event_id.does_not_exist())
    if claim.failed:
        item = store.PublicEventModel.get(body.event_id, consistent_read=True)
        if not _visible(item, who):
            raise EVENT_ID_TAKEN(details={"event_id": body.event_id})
        if item.alarm_id:
            return item.data(), False
    return _finish(item), not claim.failed


def _finish(item: store.PublicEventModel) -> dict[str, Any]:
    """Raise (or update) the event's alarm, run its linkage, then store both on the event."""
    event = item.data()
    where = event["location"]
    alarm_id = alarms.raise_event_alarm(
        alarms.EventAlarm(
            source=domain.SOURCE,
            kind=item.kind,
            key=domain.condition_key(item.kind, event["camera_id"], event["sensor_id"], where["lat"], where["lon"]),
            enterprise_id=event["enterprise_id"],
            priority=event["priority"],
            title=event["title"],
            lat=where["lat"],
            lon=where["lon"],
            installation_id=event["installation_id"],
            details={
                k: str(v)
                for k, v in {
                    "event_id": item.event_id,
                    "camera_id": event["camera_id"],
                    "sensor_id": event["sensor_id"],
                    "confidence": event["confidence"],
                    "snapshot_key": event["snapshot_key"],
                }.items()
                if v is not None
            },
        )
    )
    doc = {**item.doc, "linkage": _link(item.event_id, event)}
    item.update(
        actions=[
            store.PublicEventModel.doc.set(doc),
            store.PublicEventModel.alarm_id.set(alarm_id),
        ]
    )
    return item.data()


def _link(event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The linkage rules configured for the event's kind (docs/public-events.md); one failure is reported, never
    fatal: the alarm is already raised and in front of the duty officer."""
    if event["kind"] not in domain.LINKED:
        return {"rules": [], "commands": [], "errors": []}
    try:
        result = linkage.trigger(
            {
                "incident_id": event_id,
                "type": event["kind"],
                "level": domain.LEVEL[Priority(event["priority"])],
                "enterprise_id": event["enterprise_id"],
                "installation_id": event["installation_id"],
                "source": event["location"],
            }
        )
    except Exception as exc:
        logger.exception("public event linkage failed", extra={"event_id": event_id})
        return {"rules": [], "commands": [], "errors": [{"action": "linkage", "error": type(exc).__name__}]}
    return {
        "rules": [r.public() for r in result.rules],
        "commands": [c.public() for c in result.commands],
        "errors": [e.public() for e in result.errors],
    }


def _visible(item: store.PublicEventModel, who: Identity) -> bool:
    return who.enterprise_id is None or item.enterprise_id == who.enterprise_id


def get(event_id: str, who: Identity) -> dict[str, Any]:
    """One event the caller may see, with its alarm's linkage context (nearest cameras and resources)."""
    item = get_or_404(store.PublicEventModel, event_id, field="public_event_id")
    if not _visible(item, who):
        raise errors.NOT_FOUND(details={"public_event_id": event_id})
    event = item.data()
    context = alarms.linkage_context(item.alarm_id, who).public() if item.alarm_id else {}
    return {"event": event, "context": {k: v for k, v in context.items() if k != "alarm"}}


def page(
    who: Identity, enterprise_id: str | None, kind: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first within one owner (an enterprise user: always their own); park-wide otherwise."""
    model = store.PublicEventModel
    scope = who.scope(enterprise_id)
    condition = model.kind == kind if kind else None
    items, last = scoped_page(model, model.by_enterprise, scope, condition, limit, decode_cursor(cursor))
    return [i.data() for i in items], encode_cursor(last)
