"""Readings history from the raw archive in S3 (Firehose prefix `enterprise_id=<id>/YYYY/MM/DD/HH/`).

Only the enterprise's hour prefixes in the window are read, so a query costs what that enterprise
produced in those hours; windows are limited to 24 h and to `history_max_bytes` of archive (longer analyses
belong to Athena over the same prefixes). The archive holds messages as the device sent them: every line is
checked again by the ingest decoder, as of its receipt, and its gateway against the registry (as ingest
does, with the same cache), so history serves exactly what ingest accepted.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chalicelib.core import aws, catalog, errors
from chalicelib.core.identity import Identity
from chalicelib.core.settings import get_settings
from chalicelib.registry import service as registry
from chalicelib.telemetry import domain
from chalicelib.telemetry.caches import owners

MAX_WINDOW_MS = 24 * 3600 * 1000
WINDOW_TOO_LONG = errors.define(
    "WINDOW_TOO_LONG", 422, "查询时间范围过大（最长 24 小时）", "from..to must span at most 24 h."
)
WINDOW_TOO_LARGE = errors.define(
    "WINDOW_TOO_LARGE",
    422,
    "该时间范围内的原始数据过多，请缩小查询范围",
    "The window's archive exceeds the bytes one request may read; details.limit_bytes names the limit.",
)


def hours(start_ms: int, end_ms: int) -> list[str]:
    cursor = datetime.fromtimestamp(start_ms / 1000, UTC).replace(minute=0, second=0, microsecond=0)
    end = datetime.fromtimestamp(end_ms / 1000, UTC)
    out = []
    while cursor <= end:
        out.append(cursor.strftime("%Y/%m/%d/%H/"))
        cursor += timedelta(hours=1)
    return out


def sensor_readings(sensor_id: str, who: Identity, start_ms: int, end_ms: int, limit: int) -> dict[str, Any]:
    """GET /sensors/{id}/readings: the sensor (tenancy-checked in the registry) with its points in the window."""
    sensor = registry.sensor(sensor_id, who)
    points, truncated = readings(sensor.enterprise_id, sensor_id, start_ms, end_ms, limit)
    return {"tag_id": sensor_id, "unit": sensor.unit, "points": points, "truncated": truncated}


def readings(
    enterprise_id: str, tag_id: str, start_ms: int, end_ms: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Points of one tag in [start, end], time-ordered and de-duplicated; (points, truncated)."""
    if end_ms < start_ms or end_ms - start_ms > MAX_WINDOW_MS:
        raise WINDOW_TOO_LONG(details={"field": "to", "from": start_ms, "to": end_ms})
    s3, bucket = aws.client("s3"), catalog.bucket_name("telemetry-archive")
    points: dict[int, dict[str, Any]] = {}
    for key in _objects(s3, bucket, enterprise_id, start_ms, end_ms):
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        for line in body.splitlines():
            for r in _accepted(line, enterprise_id, tag_id):
                if start_ms <= r.ts <= end_ms:
                    value = r.value if math.isfinite(r.value) else None
                    points[r.ts] = {"ts": r.ts, "value": value, "quality": r.quality}
    ordered = [points[t] for t in sorted(points)]
    return ordered[:limit], len(ordered) > limit


def _objects(s3: Any, bucket: str, enterprise_id: str, start_ms: int, end_ms: int) -> list[str]:
    """The archive objects of the window's hours; WINDOW_TOO_LARGE before reading any if they are too big."""
    cap, total, keys = get_settings().history_max_bytes, 0, []
    # Records are written when they arrive, so a reading can sit in the hour after its timestamp.
    for prefix in hours(start_ms, end_ms + 3600 * 1000):
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"enterprise_id={enterprise_id}/{prefix}"
        )
        for page in pages:
            for obj in page.get("Contents", []):
                total += int(obj.get("Size", 0))
                if total > cap:
                    raise WINDOW_TOO_LARGE(details={"field": "to", "limit_bytes": cap})
                keys.append(obj["Key"])
    return keys


def _accepted(line: bytes, enterprise_id: str, tag_id: str) -> list[Any]:
    """The tag's readings in one archived message that ingest accepted when the message arrived."""
    try:
        received = orjson.loads(line).get("received_ms")
    except (orjson.JSONDecodeError, AttributeError):
        return []
    if type(received) is not int:
        return []
    batch = domain.decode_batch([("archive", line)], received, get_settings().max_reading_age_s * 1000)
    if not batch.messages or batch.messages[0][1] != enterprise_id or tag_id not in batch.by_tag:
        return []
    gateway = batch.messages[0][2]
    if owners({gateway})[gateway] != enterprise_id:  # quarantined by ingest: unknown or foreign gateway
        return []
    return list(batch.by_tag[tag_id])
