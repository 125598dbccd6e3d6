"""Helpers of the push tests: people with their own tokens and devices, and what moto's SNS delivered."""

from __future__ import annotations

import itertools
import json
import random
from typing import Any

from chalicelib.notify import store
from local import moto_patches

_n = itertools.count()


def token() -> str:
    return f"fcm-{next(_n)}-{random.randrange(16**12):012x}"


def person(api: Any, role: str = "inspector", enterprise_id: str | None = None) -> str:
    """A token for a new account (its own subject), so devices and preferences are this test's alone."""
    subject = f"u-push-{next(_n)}-{random.randrange(10**6)}"
    return api.token(role, enterprise_id, subject=subject)


def subject_of(api: Any, tok: str) -> str:
    return api.get("/me", token=tok).json["subject"]


def device(api: Any, tok: str, platform: str = "fcm", value: str | None = None) -> dict[str, Any]:
    r = api.post("/me/devices", token=tok, json={"platform": platform, "token": value or token()})
    assert r.status_code == 201, r.json
    return r.json


def endpoint(device_id: str) -> str:
    return store.DeviceModel.get(device_id, consistent_read=True).address


def pushed(device_id: str) -> list[dict[str, Any]]:
    """What SNS delivered to a device: its FCM v1 messages (notification, android, data)."""
    out = []
    for raw in moto_patches.pushed(endpoint(device_id)):
        gcm = json.loads(json.loads(raw)["GCM"])
        out.append(gcm["fcmV1Message"]["message"])
    return out


def logged(ref: str) -> dict[str, Any]:
    """The push log of one ref, by device."""
    return {e.device: e for e in store.PushLogModel.query(ref, consistent_read=True)}
