"""Hazmat vehicle tables: transport routes, parking lots, zone speed limits, locator positions (records kept ≥ 1
year like access records: TTL of the position's time plus `access_retention_days`) and one track per vehicle."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta

INSIDE = "1"  # TrackModel.inside_key while the vehicle is in the park (sparse index)


class _ParkPlace(Model):
    """A park-owned place kept as a JSON document (a route or a lot: the same attributes, their own table)."""

    id = UnicodeAttribute(hash_key=True)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()
    version = VersionAttribute()

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "id": self.id,
            "created_ms": int(self.created_ms),
            "updated_ms": int(self.updated_ms),
        }


class RouteModel(_ParkPlace):
    """A designated hazmat transport route (危化品运输路线), park-owned."""

    Meta = meta("vehicles-routes")


class LotModel(_ParkPlace):
    """A designated hazmat parking lot (危化品停车场), park-owned."""

    Meta = meta("vehicles-lots")


class ZoneLimitModel(Model):
    """The speed limit of a registry zone for vehicles (the zone itself stays in the registry)."""

    Meta = meta("vehicles-zone-limits")
    zone_id = UnicodeAttribute(hash_key=True)
    speed_limit_kmh = NumberAttribute()
    updated_ms = NumberAttribute()


class PositionModel(Model):
    """One locator position, stored once: keyed by the locator's event id, else by plate and time."""

    Meta = meta("vehicles-positions", append_only=True)
    key = UnicodeAttribute(hash_key=True)  # <plate>#<event_id> | <plate>@<at_ms>
    plate = UnicodeAttribute()
    enterprise_id = UnicodeAttribute()  # the appointment's host, else the park's
    at_ms = NumberAttribute()
    doc = DocumentAttribute()
    received_ms = NumberAttribute()
    expires = TTLAttribute()

    by_plate = gsi("by_plate", "plate", "at_ms")
    by_enterprise = gsi("by_enterprise", "enterprise_id", "at_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "plate": self.plate,
            "enterprise_id": self.enterprise_id,
            "at_ms": int(self.at_ms),
            "received_ms": int(self.received_ms),
        }


class TrackModel(Model):
    """A vehicle's current trip: its last judged position, its stop, its lot and its open conditions."""

    Meta = meta("vehicles-tracks")
    plate = UnicodeAttribute(hash_key=True)
    enterprise_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute(null=True)
    inside_key = UnicodeAttribute(null=True)
    lot_id = UnicodeAttribute(null=True)
    entered_ms = NumberAttribute()
    last_ms = NumberAttribute()
    stopped_since_ms = NumberAttribute(null=True)
    open = UnicodeSetAttribute(default=set)
    doc = DocumentAttribute(default=dict)  # last fix, state, speed, limit, offset, route, carrier, driver
    version = VersionAttribute()

    by_inside = gsi("by_inside", "inside_key", "last_ms")
    by_enterprise = gsi("by_enterprise", "enterprise_id", "last_ms")
    by_lot = gsi("by_lot", "lot_id", "last_ms")

    def data(self) -> dict[str, Any]:
        return {
            **self.doc,
            "plate": self.plate,
            "enterprise_id": self.enterprise_id,
            "appointment_id": self.appointment_id,
            "inside": self.inside_key == INSIDE,
            "lot_id": self.lot_id,
            "entered_ms": int(self.entered_ms),
            "last_ms": int(self.last_ms),
            "stopped_since_ms": None if self.stopped_since_ms is None else int(self.stopped_since_ms),
            "open": sorted(self.open or ()),
        }
