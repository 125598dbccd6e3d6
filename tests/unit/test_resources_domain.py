"""Emergency resource rules (5.2.1), pure: supply expiry and wear reminders, dispatch status, GeoJSON, scope."""

from __future__ import annotations

from datetime import date

import pytest

from chalicelib.core.errors import AppError
from chalicelib.resources import domain

TODAY = date(2026, 3, 1)


def reasons(details, warn_days=30):
    return [d.reason for d in domain.supply_reminders(details, TODAY, warn_days)]


def test_expiry_date_is_production_date_plus_shelf_life():
    assert domain.expiry_date(date(2025, 1, 1), 730) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("expiry", "expected"),
    [
        ("2026-03-31", ["expiry"]),  # 30 days left: inside the window
        ("2026-04-01", []),  # 31 days left
        ("2026-03-01", ["expiry"]),  # expires today: still usable, 0 days left
        ("2026-02-28", ["expired"]),
    ],
)
def test_expiry_window(expiry, expected):
    assert reasons({"expiry_date": expiry}) == expected


def test_expiry_window_follows_the_configured_days():
    assert reasons({"expiry_date": "2026-03-11"}, warn_days=5) == []
    assert reasons({"expiry_date": "2026-03-11"}, warn_days=10) == ["expiry"]


def test_facts_carry_days_left():
    (due,) = domain.supply_reminders({"expiry_date": "2026-03-11"}, TODAY, 30)
    assert due.facts == {"expiry_date": "2026-03-11", "days_left": 10}
    assert "剩余 10 天" in domain.reminder_text({"name": "活性炭"}, due)


def test_wear_threshold_reached_or_passed():
    assert reasons({"wear_threshold": 10, "usage_count": 9}) == []
    assert reasons({"wear_threshold": 10, "usage_count": 10}) == ["wear"]
    assert reasons({"wear_threshold": 10, "usage_count": 15, "expiry_date": "2026-03-02"}) == ["expiry", "wear"]
    assert reasons({"usage_count": 1000}) == []  # no threshold, no reminder


def test_dispatch_only_what_is_available():
    domain.check_status_change("available", None, "deployed", "inc1")
    domain.check_status_change("deployed", "inc1", "deployed", "inc1")  # the same incident again: fine
    domain.check_status_change("deployed", "inc1", "available", "inc1")  # released by its incident
    domain.check_status_change("deployed", "inc1", "available", None)  # released by an administrator
    for current in ("maintenance", "unavailable"):
        with pytest.raises(AppError) as exc:
            domain.check_status_change(current, None, "deployed", "inc1")
        assert exc.value.code == "RESOURCE_NOT_AVAILABLE"


def test_another_incident_cannot_take_or_release_a_deployed_resource():
    for new in ("deployed", "available"):
        with pytest.raises(AppError) as exc:
            domain.check_status_change("deployed", "inc1", new, "inc2")
        assert exc.value.code == "RESOURCE_DEPLOYED_ELSEWHERE"


def test_feature_is_rfc7946_lon_lat():
    fc = domain.feature_collection(
        [{"id": "r1", "name": "消防队", "kind": "team", "status": "available", "location": {"lat": 31.9, "lon": 120.9}}]
    )
    assert fc["type"] == "FeatureCollection"
    (f,) = fc["features"]
    assert f["geometry"] == {"type": "Point", "coordinates": [120.9, 31.9]}
    assert f["properties"]["kind_label"] == "救援队伍" and f["properties"]["status_label"] == "可用"
    assert "location" not in f["properties"]
