"""Registry reads other contexts make: alarm SMS contacts, gateway enterprises, the sensor census."""

from __future__ import annotations

import contextlib

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.ids import is_id
from chalicelib.registry import store
from chalicelib.registry.service.entities import get_park
from chalicelib.registry.service.views import Contact, SensorView, contact, sensor_view


def enterprise_contacts(enterprise_id: str, installation_id: str | None) -> list[Contact]:
    """The enterprise's designated managers and, for an installation, its 包保责任人."""
    people: list[Contact] = []
    with contextlib.suppress(DoesNotExist):
        people += [contact(p) for p in store.EnterpriseModel.get(enterprise_id).data().get("managers", [])]
    if installation_id:
        with contextlib.suppress(DoesNotExist):
            for p in store.InstallationModel.get(installation_id).data().get("responsible", []):
                people.append(Contact(p["name"], p["phone"], p["duty"], "high"))
    return people


def park_contacts() -> list[Contact]:
    park = get_park()
    return [contact(p) for p in park.get("managers", [])] if park else []


def contacts_for(enterprise_id: str, installation_id: str | None) -> list[Contact]:
    """Designated managers who receive alarm SMS: the enterprise's, the park's, and the 包保责任人."""
    unique: dict[str, Contact] = {}
    for person in enterprise_contacts(enterprise_id, installation_id) + park_contacts():
        unique.setdefault(person.phone, person)
    return list(unique.values())


def config_generation() -> int:
    """Changes whenever any registry entity is written: evaluators reload configuration when it moves."""
    return store.generation()


def gateway_enterprises(gateway_ids: list[str]) -> dict[str, str]:
    """The enterprise of each registered gateway among `gateway_ids` (one BatchGet; unknown ids are absent).
    Device input that is no id (`core.ids.ID_PATTERN`) is answered without a read, so it cannot fail one."""
    keys = sorted({g for g in gateway_ids if is_id(g)})
    return {g.id: g.enterprise_id for g in store.GatewayModel.batch_get(keys)} if keys else {}


def all_sensors() -> list[SensorView]:
    """Every sensor (the stale sweep's census)."""
    return [sensor_view(s.data()) for s in store.SensorModel.scan()]
