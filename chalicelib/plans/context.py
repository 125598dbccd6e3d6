"""What an alarm's linkage context (5.1.1-3) gets from plans and resources: applicable plans, nearest resources.

`alarm_plans` implements `alarms.ports.PlansForAlarm`; chalicelib.bootstrap plugs it in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.core.identity import PARK
from chalicelib.plans import domain, service
from chalicelib.registry import service as registry
from chalicelib.resources import service as resources

if TYPE_CHECKING:  # bootstrap imports this module at `import app`: the views load with the (lazy) service
    from chalicelib.plans.views import AlarmPlans

RESOURCE_RADIUS_M = 3000  # resources shown with an alarm: within 3 km of the sensor ...
RESOURCE_COUNT = 5  # ... the nearest five


def alarm_plans(
    alarm: Mapping[str, Any], sensor: registry.SensorView | None, installation: registry.InstallationView | None
) -> AlarmPlans:
    """Applicable plans (best first, the selected one marked) and the nearest resources for one alarm.

    Accident types come from the sensor kind and the suggested level from the alarm priority and the
    installation grade (see plans.domain); an event alarm (no sensor) points to accident types by its kind and
    finds resources around its `lat`/`lon` (none without them). Only the park's and the alarm's own
    enterprise's plans and resources are shown: whoever may read the alarm may read those, and no other
    enterprise's.
    """
    enterprise_id, installation_id = alarm.get("enterprise_id"), alarm.get("installation_id")
    here: tuple[float, float] | None = None
    if sensor is not None:
        types, here = domain.accident_types_for(sensor.kind), (sensor.location.lat, sensor.location.lon)
    else:
        types = domain.accident_types_for_event(alarm.get("kind"))
        here = (alarm["lat"], alarm["lon"]) if alarm.get("lat") is not None and alarm.get("lon") is not None else None
    level = domain.level_for_alarm(alarm.get("priority"), installation.grade if installation else None)
    plans = service.applicable_plans(types, enterprise_id, installation_id)
    selected = next((p for p in plans if level in p["levels"]), None)
    owners = [PARK, *([enterprise_id] if enterprise_id else [])]
    near = resources.nearest_among(*here, RESOURCE_COUNT, None, RESOURCE_RADIUS_M, owners=owners) if here else []
    return service.AlarmPlans(
        accident_types=tuple(types),
        suggested_level=level,
        plans=tuple(
            service.AlarmPlan(
                plan=service.plan_view(p),
                selected=selected is not None and p["plan_id"] == selected["plan_id"],
                notify=tuple(service.notification_of(n) for n in domain.recipients(p, level)),
            )
            for p in plans
        ),
        resources=tuple(near),
    )
