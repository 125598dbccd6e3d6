"""The composition root: the one place that decides which adapter fills which port (ARCHITECTURE.md 4).

`wire()` runs once per process: app.py calls it, so every Lambda, the local stack and every test that
provisions or imports the app run the same graph. A port is a small Protocol owned by the context that
uses it; what fills it is a function of another context or an adapter whose AWS client is created on first
use (core.aws), never here. No other module fills a port.

| port (owner)                          | filled with                                   |
| ------------------------------------- | --------------------------------------------- |
| core.auditing sink (core.http, tasks)  | audit.service.append (durable pending entry)  |
| notify.channels SMS                   | notify.channels.SnsSms                        |
| notify.channels push                  | notify.mobile.ByPlatform(SnsMobilePush,       |
|                                       | VendorPush: settings.push_vendor)             |
| alarms.ports plans                    | plans.context.alarm_plans (plans, resources)  |
| alarms.ports last_values              | telemetry.snapshots.last_values               |
| alarms.ports subscribers              | risk.service.on_alarm_events,                 |
|                                       | workpermits.service.on_alarm_events           |
| alarms.ports on_duty                  | duty.service.on_duty_officers                 |
| duty.ports open_warnings / unacked    | warnings.service.open_ids, alarms.unacked_ids |
| incidents.ports last_values           | telemetry.snapshots.last_values               |
| linkage.ports nearest_resources       | resources.service.nearest                     |
| linkage.ports locator                 | linkage.people.Combined(ReportedPositions,    |
|                                       | access.service.PresenceLocator)               |
| access.ports gate_commands            | linkage.service.device_command                |
| onduty.ports last_seen                | linkage.people.last_seen (people positions)   |
| dangers.ports exchange                | dangers.exchange.RecordedExchange (outbox)    |
| dangers.ports subscribers             | risk.service.recompute_enterprise             |
| risk.ports active_work                | workpermits.service.active_work               |
| risk.ports vacancies                  | onduty.service.vacancies (vacant key posts)   |
"""

from __future__ import annotations

from chalicelib.access import ports as access_ports
from chalicelib.access import service as access
from chalicelib.alarms import ports as alarm_ports
from chalicelib.alarms import service as alarms
from chalicelib.audit import service as audit
from chalicelib.core import auditing, lazy
from chalicelib.dangers import exchange as danger_exchange
from chalicelib.dangers import ports as danger_ports
from chalicelib.duty import ports as duty_ports
from chalicelib.duty import service as duty
from chalicelib.incidents import ports as incident_ports
from chalicelib.linkage import people
from chalicelib.linkage import ports as linkage_ports
from chalicelib.linkage import service as linkage
from chalicelib.notify import channels, mobile
from chalicelib.onduty import ports as onduty_ports
from chalicelib.onduty import service as onduty
from chalicelib.plans import context as plan_context
from chalicelib.resources import service as resources
from chalicelib.risk import ports as risk_ports
from chalicelib.risk import service as risk
from chalicelib.telemetry import snapshots
from chalicelib.warnings import service as warnings
from chalicelib.workpermits import service as workpermits


def wire() -> None:
    """Fill every port (idempotent: a second call wires the same adapters again).

    Adapters from a context's `service` are `lazy.deferred`: reading `risk.on_alarm_events` here would load
    the risk context at every cold start, so it is read on the first alarm event instead."""
    auditing.use_sink(lazy.deferred(lambda: audit.append))
    channels.use_sms(channels.SnsSms())
    # APNs and FCM through SNS mobile push; Huawei and JPush tokens through the domestic vendor's slot.
    channels.use_push(mobile.ByPlatform(sns=mobile.SnsMobilePush(), vendor=mobile.VendorPush()))
    alarm_ports.wire(
        plans=plan_context.alarm_plans,
        last_values=snapshots.last_values,
        subscribers=[
            lazy.deferred(lambda: risk.on_alarm_events),
            lazy.deferred(lambda: workpermits.on_alarm_events),
        ],  # gas alarms suspend nearby work
        on_duty=lazy.deferred(lambda: duty.on_duty_officers),
    )
    duty_ports.wire(
        open_warnings=lazy.deferred(lambda: warnings.open_ids), unacked_alarms=lazy.deferred(lambda: alarms.unacked_ids)
    )
    incident_ports.wire(last_values=snapshots.last_values)
    # Evacuation targets self-reported positions first (precise), then people the gates put inside a zone.
    presence = lazy.deferred(lambda: access.PresenceLocator())  # noqa: PLW0108 (the lambda defers the load)
    locator = people.Combined(people.ReportedPositions(), presence)
    linkage_ports.wire(nearest_resources=lazy.deferred(lambda: resources.nearest), locator=locator)
    access_ports.wire(gate_commands=lazy.deferred(lambda: linkage.device_command))
    onduty_ports.wire(last_seen=people.last_seen)  # presence from the people-positions feed
    danger_ports.wire(
        exchange=danger_exchange.RecordedExchange(), subscribers=[lazy.deferred(lambda: risk.recompute_enterprise)]
    )
    risk_ports.wire(
        active_work=lazy.deferred(lambda: workpermits.active_work), vacancies=lazy.deferred(lambda: onduty.vacancies)
    )
