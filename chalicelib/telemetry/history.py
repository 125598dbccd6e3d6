"""Readings history from the raw archive in S3 (Firehose prefix `enterprise_id=<id>/YYYY/MM/DD/HH/`).

Only the enterprise's hour prefixes in the window are read, so a query costs what that enterprise
produced in those hours; windows are limited to 24 h (longer analyses belong to Athena over the same
prefixes).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chalicelib.core import aws, catalog, errors

MAX_WINDOW_MS = 24 * 3600 * 1000
WINDOW_TOO_LONG = errors.define(
    "WINDOW_TOO_LONG", 422, "查询时间范围过大（最长 24 小时）", "from..to must span at most 24 h."
)


def hours(start_ms: int, end_ms: int) -> list[str]:
    cursor = datetime.fromtimestamp(start_ms / 1000, UTC).replace(minute=0, second=0, microsecond=0)
    end = datetime.fromtimestamp(end_ms / 1000, UTC)
    out = []
    while cursor <= end:
        out.append(cursor.strftime("%Y/%m/%d/%H/"))
        cursor += timedelta(hours=1)
    return out


def readings(
    enterprise_id: str, tag_id: str, start_ms: int, end_ms: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Points of one tag in [start, end], time-ordered and de-duplicated; (points, truncated)."""
    if end_ms < start_ms or end_ms - start_ms > MAX_WINDOW_MS:
        raise WINDOW_TOO_LONG(details={"field": "query.to", "from": start_ms, "to": end_ms})
    s3, bucket = aws.client("s3"), catalog.bucket_name("telemetry-archive")
    # Records are written when they arrive, so a reading can sit in the hour after its timestamp.
    prefixes = hours(start_ms, end_ms + 3600 * 1000)
    points: dict[int, dict[str, Any]] = {}
    for prefix in prefixes:
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=f"enterprise_id={enterprise_id}/{prefix}"
        )
        for page in pages:
            for obj in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                for line in body.splitlines():
                    try:
                        doc = orjson.loads(line)
                    except orjson.JSONDecodeError:
                        continue
                    for r in doc.get("readings") or []:
                        if (
                            isinstance(r, dict)
                            and r.get("tag_id") == tag_id
                            and isinstance(r.get("ts"), int)
                            and start_ms <= r["ts"] <= end_ms
                        ):
                            points[r["ts"]] = {
                                "ts": r["ts"],
                                "value": r.get("value"),
                                "quality": r.get("quality", "good"),
                            }
    ordered = [points[t] for t in sorted(points)]
    return ordered[:limit], len(ordered) > limit
