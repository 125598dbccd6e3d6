"""Readings history serves only what ingest accepted and reads a bounded amount of archive (finding 10)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from chalicelib.core import aws, catalog, settings
from chalicelib.telemetry import history
from tests.support import make_park, ms_of, now


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def _archive(enterprise_id: str, lines: list[dict[str, Any]], name: str) -> None:
    """Objects as the Firehose archive writes them: the rule's output, one message per line."""
    prefix = history.hours(now(), now())[0]
    body = b"\n".join(orjson.dumps(line) for line in lines)
    aws.client("s3").put_object(
        Bucket=catalog.bucket_name("telemetry-archive"), Key=f"enterprise_id={enterprise_id}/{prefix}{name}", Body=body
    )


def test_history_serves_what_ingest_accepted_and_nothing_it_quarantined(api: Any) -> None:
    park, other = make_park(api), make_park(api)
    t, eid = now() - 5_000, park.enterprise_id

    def msg(readings: list[Any], **extra: Any) -> dict[str, Any]:
        base = {"gateway_id": park.gateway, "readings": readings, "_topic_enterprise": eid, "received_ms": t + 1000}
        return {**base, **extra}

    _archive(
        eid,
        [
            msg([{"tag_id": park.tag, "ts": t, "value": 0.5}, {"tag_id": park.tag, "ts": t + 1, "value": "abc"}]),
            msg([{"tag_id": park.tag, "ts": t + 2, "value": 0.7, "quality": []}]),
            msg([{"tag_id": park.tag, "ts": t + 3, "value": 9.9}], _payload_topic_enterprise="x"),  # forged
            msg([{"tag_id": park.tag, "ts": t - 30 * 86_400_000, "value": 0.1}]),  # too old when it arrived
            msg([{"tag_id": park.tag, "ts": t + 4, "value": 9.8}], gateway_id="gw-nobody"),  # unknown gateway
            msg([{"tag_id": park.tag, "ts": t + 5, "value": 9.7}], gateway_id=other.gateway),  # another's gateway
            {"not": "a message"},
        ],
        "a.json",
    )
    reply = api.get(f"/sensors/{park.tag}/readings?from={_iso(t - 60_000)}&to={_iso(t + 60_000)}", role="park_admin")
    assert reply.status_code == 200, reply.json
    assert [(ms_of(p["ts"]) - t, p["value"]) for p in reply.json["points"]] == [(0, 0.5)]


def test_history_refuses_a_window_whose_archive_is_too_large_naming_the_limit(api: Any, monkeypatch: Any) -> None:
    park = make_park(api)
    t, eid = now(), park.enterprise_id
    line = {"gateway_id": "g", "readings": [{"tag_id": park.tag, "ts": t, "value": 1.0}] * 200}
    _archive(eid, [{**line, "_topic_enterprise": eid, "received_ms": t}] * 20, "big.json")
    monkeypatch.setenv("CHEMPARK_HISTORY_MAX_BYTES", "4096")
    settings.reset()
    try:
        reply = api.get(f"/sensors/{park.tag}/readings?from={_iso(t - 1000)}&to={_iso(t + 1000)}", role="park_admin")
    finally:
        monkeypatch.delenv("CHEMPARK_HISTORY_MAX_BYTES")
        settings.reset()
    assert reply.status_code == 422 and reply.json["code"] == "WINDOW_TOO_LARGE"
    assert reply.json["details"] == {"field": "query.to", "limit_bytes": 4096}
