"""Ports of the alarm context: what it uses from contexts it must not import, filled by chalicelib.bootstrap.

Plans and resources for an alarm's linkage context (the plans context), the latest readings near it (the
telemetry context), who hears of every dispatched event (the risk context recomputes its colours), and who
is on duty now (the duty context), told of every shelve and unshelve.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.alarms.schemas import EventRecord
from chalicelib.registry import service as registry


class AlarmPlans(Protocol):
    """The plans context's answer for one alarm (plans.views.AlarmPlans), shown whole in its linkage context."""

    def public(self) -> dict[str, Any]:
        """`plan_basis`, `plans` and `resources`, as the alarm's linkage context shows them."""
        ...


class PlansForAlarm(Protocol):
    def __call__(
        self,
        alarm: Mapping[str, Any],
        sensor: registry.SensorView | None,
        installation: registry.InstallationView | None,
        /,
    ) -> AlarmPlans:
        """Applicable plans (`plans`, `plan_basis`) and the nearest emergency `resources` for one alarm: around
        its sensor, or for an event alarm (no sensor) around the alarm's `lat`/`lon` when it has them."""


class LastValues(Protocol):
    def __call__(self, tag_ids: Sequence[str], enterprise_ids: Collection[str], /) -> Mapping[str, Mapping[str, Any]]:
        """The latest reading of each tag that has one: {tag_id: {"ts", "value", "quality"}}."""


class EventSubscriber(Protocol):
    def __call__(self, events: Sequence[EventRecord], /) -> None:
        """Told of alarm events once they are published (after SNS); must not raise for one bad event."""


class Officer(Protocol):
    """A duty officer as the alarm context needs one: whom to text."""

    @property
    def name(self) -> str: ...

    @property
    def phone(self) -> str: ...


class OnDuty(Protocol):
    def __call__(self) -> Sequence[Officer]:
        """The park duty officers on duty now; empty when nobody is rostered."""


@dataclass
class Ports:
    plans: PlansForAlarm | None = None
    last_values: LastValues | None = None
    subscribers: tuple[EventSubscriber, ...] = ()
    on_duty: OnDuty | None = None


PORTS = Ports()


def wire(
    *, plans: PlansForAlarm, last_values: LastValues, subscribers: Sequence[EventSubscriber], on_duty: OnDuty
) -> None:
    PORTS.plans, PORTS.last_values, PORTS.subscribers = plans, last_values, tuple(subscribers)
    PORTS.on_duty = on_duty


def on_duty() -> OnDuty:
    if PORTS.on_duty is None:
        raise RuntimeError("alarms.ports.on_duty is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.on_duty


def last_values() -> LastValues:
    if PORTS.last_values is None:
        raise RuntimeError("alarms.ports.last_values is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.last_values
