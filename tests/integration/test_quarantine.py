"""Quarantine (5.1.1-1) under moto: bounded rows per message, the park-wide view newest first across days,
the reason filter, tenancy, and cursors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from chalicelib.core import clock
from chalicelib.telemetry import caches
from chalicelib.telemetry import service as telemetry
from tests.support import batch, make_park, message, quarantine_days_read

DAY = 86_400_000
T0 = int(datetime(2026, 1, 10, 8, tzinfo=UTC).timestamp() * 1000)  # a quiet past: no other test writes then


@pytest.fixture(autouse=True)
def _fresh_caches():
    caches.reset_caches()
    yield
    caches.reset_caches()


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def test_a_batch_of_large_bad_messages_costs_one_row_per_message(api: Any) -> None:
    park = make_park(api)
    t = clock.now_ms()
    stale = [(park.tag, t - 30 * DAY, 1.0)] * 400  # older than the accepted age: all refused
    result = telemetry.ingest(batch(*[message(park.enterprise_id, stale, seq=i) for i in range(25)]))
    assert result.retry == [] and result.sent == 10_000 == result.quarantined and result.evaluated == 0
    rows = api.get(f"/telemetry/quarantine?enterprise_id={park.enterprise_id}&limit=200", role="park_admin").json
    assert len(rows["items"]) == 25
    assert all(i["reasons"] == {"ts_out_of_range": 400} and len(i["samples"]) == 5 for i in rows["items"])


def test_park_wide_view_lists_every_enterprise_newest_first_across_days(api: Any) -> None:
    a, b = make_park(api), make_park(api)
    frozen = clock.FrozenClock(T0)
    with clock.use(frozen):
        sent = []
        for day, park in ((0, a), (1, b), (2, a)):
            frozen.set(T0 + day * DAY)
            bad = message(park.enterprise_id, [(park.tag, T0 + day * DAY, "x"), ("NO-SUCH", T0 + day * DAY, 1.0)])
            sent.append((park.enterprise_id, telemetry.ingest(batch(bad))))
        telemetry.ingest(batch(b"{broken"))  # no enterprise: the _unknown partition, also listed park-wide
        window = f"from={_iso(T0 - DAY)}&to={_iso(T0 + 3 * DAY)}"
        seen, cursor = [], ""
        while True:
            page = api.get(f"/telemetry/quarantine?{window}&limit=1{cursor}", role="park_admin").json
            seen += page["items"]
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert [i["enterprise_id"] for i in seen] == ["_unknown", a.enterprise_id, b.enterprise_id, a.enterprise_id]
        assert seen[1]["reasons"] == {"value_not_number": 1, "unknown_tag": 1}
        assert [i["received_at"] for i in seen] == sorted((i["received_at"] for i in seen), reverse=True)

        only = api.get(f"/telemetry/quarantine?{window}&reason=invalid_json", role="park_admin").json["items"]
        assert [i["enterprise_id"] for i in only] == ["_unknown"]

        mine = api.get(f"/telemetry/quarantine?{window}", role="enterprise_manager", enterprise_id=b.enterprise_id)
        assert [i["enterprise_id"] for i in mine.json["items"]] == [b.enterprise_id]
        other = api.get(
            "/telemetry/quarantine?enterprise_id=_unknown", role="enterprise_manager", enterprise_id=b.enterprise_id
        )
        assert other.status_code == 403 and other.json["code"] == "ENTERPRISE_SCOPE"

        frozen.set(T0 + 40 * DAY)  # past the 30-day retention: gone even where the TTL sweep is late (moto)
        assert api.get(f"/telemetry/quarantine?from={_iso(T0)}", role="park_admin").json["items"] == []


def test_a_cursor_naming_no_day_is_refused(api: Any) -> None:
    import base64

    forged = base64.urlsafe_b64encode(orjson.dumps({"d": "yesterday", "k": None})).decode().rstrip("=")
    reply = api.get(f"/telemetry/quarantine?cursor={forged}", role="park_admin")
    assert reply.status_code == 400 and reply.json["code"] == "INVALID_CURSOR"


def test_a_window_or_cursor_reaching_year_9999_reads_no_more_days_than_the_retention(api: Any, monkeypatch) -> None:
    """Found by the fuzzer: `to=9999-12-31...` had the park-wide reader walk every day back from year 9999 (three
    million queries: the request never answered). Nothing is received in the future, so the window ends now; a
    cursor (signed: ours) naming a later day than the window's starts at its last day."""
    from chalicelib.core.pagination import bound_to, encode_cursor

    park = make_park(api)
    days = quarantine_days_read(monkeypatch)
    with clock.use(clock.FrozenClock(T0 + 100 * DAY)):  # its own quiet day
        telemetry.ingest(batch(message(park.enterprise_id, [("NO-SUCH", T0 + 100 * DAY, 1.0)])))
        reply = api.get("/telemetry/quarantine?to=9999-12-31T23:59:59Z&limit=50", role="park_admin")
        assert reply.status_code == 200 and [i["enterprise_id"] for i in reply.json["items"]] == [park.enterprise_id]
        assert len(days) <= 31 and max(days) == "2026-04-20", days
        days.clear()
        with bound_to("GET /telemetry/quarantine"):
            later = encode_cursor({"d": "9999-12-31", "k": None})
        reply = api.get(f"/telemetry/quarantine?cursor={later}", role="park_admin")
        assert reply.status_code == 200 and len(days) <= 31 and max(days) == "2026-04-20", (reply.json, days)
