"""Monthly enterprise risk profile reports (5.1.2-2): for the month just ended, a zh-CN Markdown report and its
JSON data per enterprise in the catalogue's `reports` bucket, once; listed with presigned download links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from chalicelib.core import aws, catalog, clock
from chalicelib.core.identity import SYSTEM, Identity
from chalicelib.core.observability import logger
from chalicelib.core.settings import get_settings
from chalicelib.registry import service as registry
from chalicelib.risk.domain import report
from chalicelib.risk.service import notices, snapshots

PREFIX = "risk-profiles"


def key(enterprise_id: str, month: str, ext: str) -> str:
    return f"{PREFIX}/{enterprise_id}/{month}.{ext}"


def build(enterprise_id: str, month: str) -> dict[str, Any] | None:
    """The report's data for one month, or None when the month has no snapshot to report on."""
    offset, now = get_settings().park_utc_offset_h, clock.now_ms()
    first, last, start_ms, end_ms = report.month_bounds(month, offset)
    series = snapshots.between(enterprise_id, first, last)
    if not series:
        return None
    prior_first = report.local_day(start_ms - 31 * snapshots.DAY_MS, offset)
    prior = snapshots.between(enterprise_id, prior_first, report.local_day(start_ms - 1, offset))
    before = prior[-1] if prior else (series[0] if len(series) > 1 else None)
    end = series[-1]
    return {
        "enterprise": {"id": enterprise_id, "name": registry.enterprise(enterprise_id, SYSTEM).name},
        "month": month,
        "generated_ms": now,
        "generated_local": report.local_text(now, offset),
        "trend": report.trend(series, month),
        "series": [{"day": s.day, "score": s.score, "level": s.level} for s in series],
        "contributions": list(end.contributions),
        "compared_with": before.day if before else None,
        "changes": report.changes(before, end),
        "notices": notices.month_summary(enterprise_id, start_ms, end_ms, now),
    }


def _exists(s3: Any, bucket: str, name: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=name)
    except s3.exceptions.ClientError:
        return False
    return True


def generate(enterprises: Iterable[str] | None = None, month: str | None = None) -> dict[str, int]:
    """Last month's report for each enterprise that has none yet (a rerun writes nothing twice); the JSON is
    written first and the Markdown last, so a report listed is complete."""
    month = month or report.previous_month(clock.now_ms(), get_settings().park_utc_offset_h)
    s3, bucket = aws.client("s3"), catalog.bucket_name("reports")
    counts = {"written": 0, "existing": 0, "empty": 0, "failed": 0}
    for enterprise_id in snapshots.enterprise_ids() if enterprises is None else enterprises:
        try:
            if _exists(s3, bucket, key(enterprise_id, month, "md")):
                counts["existing"] += 1
                continue
            data = build(enterprise_id, month)
            if data is None:
                counts["empty"] += 1
                continue
            body = orjson.dumps(data, option=orjson.OPT_INDENT_2)
            data_key = key(enterprise_id, month, "json")
            s3.put_object(Bucket=bucket, Key=data_key, ContentType="application/json", Body=body)
            text = report.markdown(data).encode()
            md = "text/markdown; charset=utf-8"
            s3.put_object(Bucket=bucket, Key=key(enterprise_id, month, "md"), ContentType=md, Body=text)
            counts["written"] += 1
        except Exception:  # the next run tries this enterprise again
            logger.exception("risk report failed", extra={"enterprise_id": enterprise_id, "month": month})
            counts["failed"] += 1
    return counts


def listing(enterprise_id: str, who: Identity) -> list[dict[str, Any]]:
    """The enterprise's monthly reports, newest first, each with short-lived download links."""
    registry.enterprise(enterprise_id, who)  # NOT_FOUND outside the caller's scope
    s3, bucket, ttl = aws.client("s3"), catalog.bucket_name("reports"), get_settings().report_url_ttl_s
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{PREFIX}/{enterprise_id}/")
    found = {o["Key"]: o for page in pages for o in page.get("Contents", [])}
    out = []
    for name in sorted((k for k in found if k.endswith(".md")), reverse=True):
        month = name.rsplit("/", 1)[1].removesuffix(".md")
        data = key(enterprise_id, month, "json")

        def url(k: str) -> str:
            return str(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": k}, ExpiresIn=ttl))

        out.append(
            {
                "month": month,
                "key": name,
                "size_bytes": int(found[name]["Size"]),
                "generated_ms": int(found[name]["LastModified"].timestamp() * 1000),
                "url": url(name),
                "data_url": url(data) if data in found else None,
                "expires_in_s": ttl,
            }
        )
    return out
