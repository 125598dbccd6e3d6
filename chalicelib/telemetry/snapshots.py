"""Last values per gateway: buffered per container, written as one bounded snapshot per gateway and period.

The snapshot policy (one write per gateway per `snapshot_every_s`) is what keeps steady telemetry at a few
hundred DynamoDB writes per million readings; docs/telemetry.md gives the reasoning.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from chalicelib.telemetry import store
from chalicelib.telemetry.caches import CONTAINER, Caches
from chalicelib.telemetry.domain import Rejected

if TYPE_CHECKING:
    from chalicelib.telemetry.domain.wire import Reading


def gateway(c: Caches, enterprise_id: str, gateway_id: str) -> dict[str, Any]:
    return c.gateways.setdefault(
        gateway_id,
        {
            "enterprise": enterprise_id,
            "tags": {},
            "messages": 0,
            "readings": 0,
            "quarantined": 0,
            "last_write": 0,
            "last_message": 0,
        },
    )


def buffer(c: Caches, enterprise_id: str, gateway_id: str, tag_id: str, readings: Sequence[Reading]) -> None:
    gw = gateway(c, enterprise_id, gateway_id)
    latest = max(readings, key=lambda r: r.ts)
    ts, value, quality = latest.ts, latest.value, latest.quality
    current = gw["tags"].get(tag_id)
    if current is None or current[0] < ts:
        gw["tags"][tag_id] = [ts, value if math.isfinite(value) else None, quality]
    gw["readings"] += len(readings)
    gw["last_message"] = max(gw["last_message"], ts)


def write(c: Caches, now: int, every_ms: int, rejected: list[tuple[str, str, str, Rejected]]) -> None:
    """Bounded last-value policy: each gateway's snapshot is rewritten at most once per period."""
    for enterprise_id, gateway_id, _, item in rejected:
        if gateway_id in c.gateways and c.gateways[gateway_id]["enterprise"] == enterprise_id:
            c.gateways[gateway_id]["quarantined"] += item.count
    for gateway_id, gw in c.gateways.items():
        if now - gw["last_write"] < every_ms or not gw["tags"]:
            continue
        store.GatewaySnapshotModel(gateway_id).update(
            actions=[
                store.GatewaySnapshotModel.enterprise_id.set(gw["enterprise"]),
                store.GatewaySnapshotModel.updated_ms.set(now),
                store.GatewaySnapshotModel.last_message_ms.set(gw["last_message"]),
                store.GatewaySnapshotModel.tags.set(orjson.dumps(gw["tags"]).decode()),
                store.GatewaySnapshotModel.messages.add(gw["messages"]),
                store.GatewaySnapshotModel.readings.add(gw["readings"]),
                store.GatewaySnapshotModel.quarantined.add(gw["quarantined"]),
            ]
        )
        gw["last_write"], gw["messages"], gw["readings"], gw["quarantined"] = now, 0, 0, 0


def last_values(tag_ids: Sequence[str], enterprise_ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """Latest known value per tag: this container's buffer over the gateways' snapshots (the readings port
    of the alarm and incident contexts)."""
    wanted = set(tag_ids)
    found: dict[str, dict[str, Any]] = {}
    for enterprise_id in enterprise_ids:
        for snap in store.GatewaySnapshotModel.by_enterprise.query(enterprise_id):
            for tag, (ts, value, quality) in snap.tag_map().items():
                if tag in wanted and (tag not in found or found[tag]["ts"] < ts):
                    found[tag] = {"ts": ts, "value": value, "quality": quality}
    for gw in CONTAINER.gateways.values():
        for tag, (ts, value, quality) in gw["tags"].items():
            if tag in wanted and (tag not in found or found[tag]["ts"] < ts):
                found[tag] = {"ts": ts, "value": value, "quality": quality}
    return found
