"""A public-area linkage rule's `gate_open` opens the nearest closed-park gate (卡口), not only a linkage device
of kind gate: the command goes to the gate's barrier through the linkage command path (docs/public-events.md)."""

from __future__ import annotations

import itertools
import os
import random
from datetime import UTC, datetime
from typing import Any

_n = itertools.count(int.from_bytes(os.urandom(3), "big"))


def test_early_fire_opens_the_nearest_access_gate_for_fire_engines(api: Any) -> None:
    lat, lon = 20.0 + random.random() * 5, 80.0 + random.random() * 5  # a place of its own in the shared stack
    barrier = f"bar-fire-{next(_n)}"
    gates = {}
    for name, kind, dlat, device in (("应急卡口", "emergency", 0.002, barrier), ("北综合卡口", "general", 0.006, None)):
        body = {"name": name, "kind": kind, "location": {"lat": lat + dlat, "lon": lon}}
        body["devices"] = [{"id": device or f"bar-{next(_n)}", "kind": "barrier"}]
        r = api.post("/gates", role="park_admin", json=body)
        assert r.status_code == 201, r.json
        gates[name] = r.json
    far = api.post(
        "/linkage/devices",
        role="park_admin",
        json={"kind": "gate", "name": "远处道闸", "location": {"lat": lat + 0.01, "lon": lon}},
    ).json
    rule = api.post(
        "/linkage/rules",
        role="park_admin",
        json={
            "name": "初期火灾：开启最近卡口",
            "event_type": "early_fire",
            "min_level": "orange",
            "scope": {"kind": "park", "radius_m": 2000},
            "actions": [{"kind": "gate_open", "nearest": 1}],
        },
    )
    assert rule.status_code == 201, rule.json
    try:
        report = {
            "event_id": f"fire-{next(_n)}",
            "kind": "early_fire",
            "location": {"lat": lat, "lon": lon},
            "at": datetime.now(UTC).isoformat(),
            "confidence": 0.8,
        }
        r = api.post("/public-events", role="integration", json=report)
        assert r.status_code == 201, r.json
        commands = r.json["linkage"]["commands"]
        assert [(c["device_id"], c["command"]) for c in commands] == [(barrier, "gate_open")], commands
        sent = api.get(f"/linkage/commands?incident_id={r.json['id']}", role="park_admin").json["items"]
        assert [c["topic"] for c in sent] == [f"park/_park/commands/{barrier}"]
        assert far["id"] not in {c["device_id"] for c in sent}
    finally:
        api.delete(f"/linkage/rules/{rule.json['id']}", role="park_admin")
