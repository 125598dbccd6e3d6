"""Evacuation targeting (疏散, 5.4.3-6): everyone inside the isolation circle or the AEGL-2 footprint
(domain.md 4.3 step 6) gets an evacuation instruction on their mobile (SMS + app push) and acknowledges it.

Channels are explicit: a live incident uses `LiveChannel` (SMS through notify's channel port, de-duplicated
per incident and phone; app push to the person's registered devices through notify's app channel, once per
incident and device). A drill (演练) uses `DrillChannel`, which
only records the text on the person's notice: no SMS, no topic message, nothing reaches a real person.
"""

from __future__ import annotations

from typing import Any, Protocol

from pynamodb.exceptions import DoesNotExist

from chalicelib.core import clock, errors
from chalicelib.core.identity import PARK, Identity, Role
from chalicelib.core.observability import logger
from chalicelib.core.schemas import Priority
from chalicelib.core.store import conditional
from chalicelib.linkage import domain, people, store
from chalicelib.linkage.ports import LocatedPerson
from chalicelib.notify import service as notify

EVACUATION_NOT_FOUND = errors.define(
    "EVACUATION_NOT_FOUND", 404, "该事件未发起人员疏散", "No evacuation was started for this incident."
)
ACKERS = frozenset({Role.INSPECTOR, Role.ENTERPRISE_MANAGER, Role.INTEGRATION})


class MobileChannel(Protocol):
    def sms(self, ref: str, person: LocatedPerson, text: str) -> dict[str, Any]: ...

    def push(self, incident_id: str, person: LocatedPerson, text: str) -> dict[str, Any]: ...


class LiveChannel:
    """Real people: SMS via notify (logged, once per incident and phone) and an app push (logged, once per device)."""

    def sms(self, ref: str, person: LocatedPerson, text: str) -> dict[str, Any]:
        recipient = notify.Recipient(person.name, person.phone, Priority.URGENT)
        sent = notify.send_sms(ref, recipient, text, "evacuation", person.enterprise_id or PARK)
        return {"ok": True, "sent": sent}  # False: this phone already had this incident's text

    def push(self, incident_id: str, person: LocatedPerson, text: str) -> dict[str, Any]:
        """The app channel to the person's own devices (notify.to_people): always with sound, never silenced."""
        counts = notify.to_people(
            f"evac:{incident_id}",
            [person.person_id],
            notify.Category.EVACUATION,
            "【疏散指令】",
            text,
            person.enterprise_id,
            {"incident_id": incident_id, "person_id": person.person_id},
        )
        # ok only when a phone of theirs has it: a person with no device yet is tried again by the next run.
        reached = counts["sent"] + counts["already"]
        return {"ok": reached > 0, "devices": counts["devices"], "sent": counts["sent"]}


class DrillChannel:
    """Exercise mode: the message is recorded on the notice (and logged), never sent anywhere."""

    def sms(self, ref: str, person: LocatedPerson, text: str) -> dict[str, Any]:
        logger.info("drill evacuation sms recorded", extra={"ref": ref, "person_id": person.person_id})
        return {"ok": True, "drill": True, "recorded": True}

    def push(self, incident_id: str, person: LocatedPerson, text: str) -> dict[str, Any]:
        return {"ok": True, "drill": True, "recorded": True}


def channel_for(drill: bool) -> MobileChannel:
    return DrillChannel() if drill else LiveChannel()


def _deliver(channel: MobileChannel, incident_id: str, person: LocatedPerson, text: str, done: dict) -> dict:
    """Each channel once; a failed channel is retried by the next evacuate() of the incident."""
    results = dict(done)
    for name, send in (
        ("sms", lambda: channel.sms(f"evac:{incident_id}", person, text)),
        ("app", lambda: channel.push(incident_id, person, text)),
    ):
        if (results.get(name) or {}).get("ok"):
            continue
        try:
            results[name] = send()
        except Exception as exc:  # the other channel still goes out
            logger.exception("evacuation notice failed", extra={"channel": name, "incident_id": incident_id})
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results


def _header(incident_id: str, doc: dict[str, Any]) -> None:
    item = store.EvacueeModel(incident_id, store.HEADER, notified_ms=clock.now_ms(), doc=doc)
    with conditional():  # already started: the first run's header stays
        item.save(condition=store.EvacueeModel.person_id.does_not_exist())


def evacuate(
    incident_id: str,
    zones: list[dict[str, Any]],
    source: dict[str, float],
    isolation_radius_m: float,
    drill: bool,
    *,
    level: str = "AEGL-2",
    enterprise_id: str | None = None,
) -> dict[str, Any]:
    """Notify everyone in the evacuation zone who has not been told yet; safe to call again as zones grow."""
    ring = next((z.get("polygon") or [] for z in zones if z.get("level") == level), [])
    _header(
        incident_id,
        {
            "drill": drill,
            "level": level,
            "source": source,
            "enterprise_id": enterprise_id,
            "isolation_radius_m": isolation_radius_m,
        },
    )
    way_out, channel = domain.upwind(source, ring), channel_for(drill)
    for person in people.people_in(ring, source, isolation_radius_m):
        reasons = [level if r == "zone" else r for r in person.reasons]
        text = domain.evacuation_text(person.name, incident_id, way_out, drill)
        key = people.person_key(person.enterprise_id, person.person_id)
        try:
            item = store.EvacueeModel.get(incident_id, key, consistent_read=True)
            doc = item.doc
        except DoesNotExist:
            doc = {k: getattr(person, k) for k in ("person_id", "name", "phone", "enterprise_id", "lat", "lon")}
            item = store.EvacueeModel(incident_id, key, notified_ms=clock.now_ms())
            doc.update(reasons=reasons, text=text, drill=drill, channels={})
            item.doc = doc
            with conditional() as claim:
                item.save(condition=store.EvacueeModel.person_id.does_not_exist())
            if claim.failed:
                continue  # a concurrent run claimed this person and notifies them
        if all((doc["channels"].get(c) or {}).get("ok") for c in ("sms", "app")):
            continue
        doc["channels"] = _deliver(channel, incident_id, person, doc["text"], doc["channels"])
        item.doc = doc
        item.save()
    return summary(incident_id, counts_only=True)


def _rows(incident_id: str) -> tuple[dict[str, Any], list[Any]]:
    items = list(store.EvacueeModel.query(incident_id, consistent_read=True))
    header = next((i for i in items if i.person_id == store.HEADER), None)
    if header is None:
        raise EVACUATION_NOT_FOUND(details={"incident_id": incident_id})
    return {**header.doc, "started_ms": int(header.notified_ms)}, [i for i in items if i is not header]


def summary(incident_id: str, counts_only: bool = False) -> dict[str, Any]:
    """Notified vs acknowledged; `people` lists each notice with the phone masked."""
    head, rows = _rows(incident_id)
    listed = [{**r.data(), "phone": notify.mask(r.doc["phone"])} for r in rows]
    out = {
        "incident_id": incident_id,
        "drill": bool(head.get("drill")),
        "started_ms": head["started_ms"],
        "targeted": len(listed),
        "notified": sum(1 for p in listed if any(c.get("ok") for c in p["channels"].values())),
        "acknowledged": sum(1 for p in listed if p["acked_ms"] is not None),
    }
    return out if counts_only else {**out, "people": listed}


def _notice_of(rows: list[Any], person_id: str, who: Identity, enterprise_id: str | None) -> Any:
    """The caller's notice for a person id: ids repeat across enterprises, so an enterprise caller finds its own
    enterprise's person, and a park caller names the enterprise when the id is not unique in the incident."""
    scope = who.enterprise_id or enterprise_id
    found = [
        r for r in rows if r.person == person_id and (scope is None or (r.doc.get("enterprise_id") or PARK) == scope)
    ]
    if who.is_enterprise_scoped and enterprise_id not in (None, who.enterprise_id):
        found = []
    if not found:
        raise errors.NOT_FOUND(details={"person_id": person_id})
    if len(found) > 1:
        raise errors.invalid_field("enterprise_id", "多个企业存在该人员编号，请指定所属企业", "ambiguous")
    return found[0]


def acknowledge(incident_id: str, person_id: str, who: Identity, enterprise_id: str | None = None) -> dict[str, Any]:
    """The person (own token) or an inspector, their enterprise's manager or an integration confirms they left."""
    _, rows = _rows(incident_id)
    item = _notice_of(rows, person_id, who, enterprise_id)
    if who.subject != person_id and not who.has_any(ACKERS):
        raise errors.FORBIDDEN("只能确认本人的疏散", details={"person_id": person_id})
    if item.acked_ms is None:
        doc = {**item.doc, "acked_by": who.subject}
        item.acked_ms, item.doc = clock.now_ms(), doc
        item.save()
    return {"incident_id": incident_id, "person_id": person_id, "acked_ms": int(item.acked_ms)}
