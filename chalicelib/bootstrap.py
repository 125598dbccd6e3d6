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
| access.ports routes                   | vehicles.service.gate_on_route                |
| onduty.ports last_seen                | linkage.people.last_seen (people positions)   |
| dangers.ports exchange                | dangers.exchange.RecordedExchange (outbox)    |
| dangers.ports subscribers             | risk.service.recompute_enterprise             |
| risk.ports active_work                | workpermits.service.active_work               |
| risk.ports vacancies                  | onduty.service.vacancies (vacant key posts)   |
| alarms.ports subscribers (cont.)      | live.service.on_alarm_events (consoles)       |
| live.ports risk_view                  | risk.service.changed_installation_view        |
| warnings.ports listeners              | live.service.on_warning_change (consoles)     |
| incidents.ports listeners             | live.service.on_incident_change (consoles)    |
| onemap.ports layers                   | each owner's map_features (registry, access,  |
|                                       | risk, telemetry, resources, alarms)           |
| onemap.ports incident_zones           | incidents.service.map_zones                   |
"""

from __future__ import annotations

import functools

from chalicelib.access import ports as access_ports
from chalicelib.access import service as access
from chalicelib.alarms import ports as alarm_ports
from chalicelib.alarms import service as alarms
from chalicelib.audit import service as audit
from chalicelib.core import auditing, lazy
from chalicelib.core.identity import SYSTEM
from chalicelib.dangers import exchange as danger_exchange
from chalicelib.dangers import ports as danger_ports
from chalicelib.duty import ports as duty_ports
from chalicelib.duty import service as duty
from chalicelib.incidents import ports as incident_ports
from chalicelib.incidents import service as incidents
from chalicelib.linkage import people
from chalicelib.linkage import ports as linkage_ports
from chalicelib.linkage import service as linkage
from chalicelib.live import ports as live_ports
from chalicelib.live import service as live
from chalicelib.notify import channels, mobile
from chalicelib.onduty import ports as onduty_ports
from chalicelib.onduty import service as onduty
from chalicelib.onemap import ports as map_ports
from chalicelib.plans import context as plan_context
from chalicelib.registry import service as registry
from chalicelib.resources import service as resources
from chalicelib.risk import ports as risk_ports
from chalicelib.risk import service as risk
from chalicelib.telemetry import service as telemetry
from chalicelib.telemetry import snapshots
from chalicelib.vehicles import service as vehicles
from chalicelib.warnings import ports as warning_ports
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
            lazy.deferred(lambda: workpermits.on_alarm_events),  # gas alarms suspend nearby work
            lazy.deferred(lambda: live.on_alarm_events),  # after risk: the consoles hear events and new colours
        ],
        on_duty=lazy.deferred(lambda: duty.on_duty_officers),
    )
    duty_ports.wire(
        open_warnings=lazy.deferred(lambda: warnings.open_ids), unacked_alarms=lazy.deferred(lambda: alarms.unacked_ids)
    )
    incident_ports.wire(last_values=snapshots.last_values, listeners=[lazy.deferred(lambda: live.on_incident_change)])
    warning_ports.wire(listeners=[lazy.deferred(lambda: live.on_warning_change)])  # the consoles, within a second
    # Evacuation targets self-reported positions first (precise), then people the gates put inside a zone.
    presence = lazy.deferred(lambda: access.PresenceLocator())  # noqa: PLW0108 (the lambda defers the load)
    locator = people.Combined(people.ReportedPositions(), presence)
    linkage_ports.wire(nearest_resources=lazy.deferred(lambda: resources.nearest), locator=locator)
    access_ports.wire(
        gate_commands=lazy.deferred(lambda: linkage.device_command),
        routes=lazy.deferred(lambda: vehicles.gate_on_route),
    )
    onduty_ports.wire(last_seen=people.last_seen)  # presence from the people-positions feed
    danger_ports.wire(
        exchange=danger_exchange.RecordedExchange(), subscribers=[lazy.deferred(lambda: risk.recompute_enterprise)]
    )
    risk_ports.wire(
        active_work=lazy.deferred(lambda: workpermits.active_work), vacancies=lazy.deferred(lambda: onduty.vacancies)
    )
    live_ports.wire(risk_view=lazy.deferred(lambda: functools.partial(risk.changed_installation_view, who=SYSTEM)))
    # The map (一张图): each layer drawn by the context that owns its data.
    map_ports.wire(
        layers={
            "boundary": lazy.deferred(lambda: registry.boundary_features),
            "zones": lazy.deferred(lambda: access.zone_map_features),  # the registry's zones, access levels
            "installations": lazy.deferred(lambda: risk.map_features),  # coloured by live risk
            "sensors": lazy.deferred(lambda: telemetry.map_features),
            "cameras": lazy.deferred(lambda: registry.camera_features),
            "resources": lazy.deferred(lambda: resources.map_features),
            "alarms": lazy.deferred(lambda: alarms.map_features),
        },
        incident_zones=lazy.deferred(lambda: incidents.map_zones),
    )
