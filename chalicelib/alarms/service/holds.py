"""Out of service and suppressed by design, as the minute sweep applies them (domain.holds, docs/alarms.md).

Each sweep compares the open alarms with their sensor and installation in the registry: an alarm whose
sensor went out of service is held out of service (and its tag state marked `held`, so the first reading
evaluated after the sensor's return decides, in `commit`); an alarm of an installation entering or leaving
maintenance is suppressed or released. One transaction per tag (its alarms and tag state, version-checked),
before escalation and re-notification run, so a held alarm is never escalated or re-notified."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.alarms import domain, store
from chalicelib.alarms.domain import Alarm, Outcome
from chalicelib.alarms.schemas import EventRecord
from chalicelib.alarms.service.records import Contended, to_alarm
from chalicelib.alarms.service.staging import Staged
from chalicelib.core import clock
from chalicelib.core.observability import logger
from chalicelib.registry import service as registry


def held_by(sensor: registry.SensorProfile) -> tuple[bool, bool]:
    """(out of service, suppressed by design) for a sensor profile of the registry (`registry.sensor_profiles`)."""
    return domain.held_by(sensor.status, sensor.installation_status)


def _outcome(alarm: Alarm, out_of_service: bool, suppressed: bool, now: int) -> Outcome:
    outcome = Outcome(alarm, ())
    if out_of_service and not alarm.out_of_service:
        outcome = domain.take_out_of_service(alarm, now)
    # (back in service: the ingest decides on the first evaluated reading, see commit)
    a = outcome.alarm
    if suppressed != a.suppressed and not a.closed:
        more = domain.suppress(a, now) if suppressed else domain.unsuppress(a, now)
        outcome = Outcome(more.alarm, outcome.events + more.events)
    return outcome


def _apply(tag_id: str, alarm_ids: list[str], out_of_service: bool, suppressed: bool) -> list[EventRecord]:
    for _ in range(4):
        now, staged = clock.now_ms(), Staged()
        try:
            tag = store.TagStateModel.get(tag_id, consistent_read=True)
        except DoesNotExist:
            tag = None
        slots = tag.alarms if tag is not None else {}
        for alarm_id in alarm_ids:
            item = store.AlarmModel.get(alarm_id, consistent_read=True)
            outcome = _outcome(to_alarm(item), out_of_service, suppressed, now)
            if not outcome.events:
                continue
            staged.apply(item, outcome, "system", {})
            if outcome.closed:
                slots = {c: i for c, i in slots.items() if i != alarm_id}
        if not staged.alarms:
            return []
        if tag is not None:
            tag.alarms = slots
            held = any(not a.closed and a.out_of_service for _, a in staged.alarms.values())
            tag.held = True if held else tag.held
        try:
            return staged.write(now, tag)
        except Contended:
            continue
    logger.warning("could not hold alarms of a tag; the next sweep retries", extra={"tag_id": tag_id})
    return []


def reconcile(open_now: Iterable[Alarm]) -> list[EventRecord]:
    """Hold or release the open alarms whose sensor or installation changed state; the events to dispatch."""
    by_tag: dict[str, list[Alarm]] = defaultdict(list)
    for alarm in open_now:
        if not alarm.is_event:  # an event alarm has no sensor to go out of service (docs/alarms.md)
            by_tag[alarm.tag_id].append(alarm)
    if not by_tag:
        return []
    sensors = registry.sensor_profiles(sorted(by_tag))
    events: list[EventRecord] = []
    for tag_id, alarms in by_tag.items():
        sensor = sensors.get(tag_id)
        if sensor is None:
            continue  # sensor deleted: its alarms stay as they are
        out_of_service, suppressed = held_by(sensor)
        if any((out_of_service and not a.out_of_service) or suppressed != a.suppressed for a in alarms):
            events += _apply(tag_id, [a.id for a in alarms], out_of_service, suppressed)
    return events
