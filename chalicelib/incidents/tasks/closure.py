"""Closing tasks: park the stand-down token for the commander, then archive the record and its report."""

from __future__ import annotations

import orjson

from chalicelib.core import auditing, aws, catalog, clock
from chalicelib.core.auditing import AuditEntry
from chalicelib.incidents import domain
from chalicelib.incidents.service.command import instructions
from chalicelib.incidents.service.records import load, log, replay, update


def await_stand_down(incident_id: str, token: str) -> None:
    """Store the task token of the stand-down step (终止响应) the workflow now waits for."""
    update(incident_id, lambda d: None, awaiting="stand_down", token=token)


def archive(incident_id: str) -> None:
    """Close and archive (5.2.2-4, 6.4.4): the JSON record and the zh-CN report in S3; the audit log notes it."""
    update(
        incident_id,
        lambda d: d.update(closed_ms=clock.now_ms()),
        status=domain.Status.CLOSED.value,
        awaiting=None,
        token=None,
    )
    incident = load(incident_id).data()
    record = {
        "incident": incident,
        "instructions": instructions(incident_id),
        "log": replay(incident_id),
    }
    record["metrics"] = domain.metrics(incident, record["instructions"])
    record["findings"] = domain.findings(record["metrics"])
    year = clock.iso(incident["created_ms"])[:4]
    base = f"{'drills' if incident.get('drill') else 'incidents'}/{year}/{incident_id}"
    s3, bucket = aws.client("s3"), catalog.bucket_name("reports")
    s3.put_object(
        Bucket=bucket,
        Key=f"{base}.json",
        ContentType="application/json",
        Body=orjson.dumps(record, default=str, option=orjson.OPT_INDENT_2),
    )
    s3.put_object(
        Bucket=bucket, Key=f"{base}.md", ContentType="text/markdown; charset=utf-8", Body=domain.report(record).encode()
    )
    auditing.record(
        AuditEntry(
            actor="system",
            action="incidents.archive",
            target=incident_id,
            result="ok",
            enterprise_id=incident["enterprise_id"],
            details={"archive": f"{base}.json"},
        )
    )
    log(incident_id, "event", "system", f"应急指挥档案已归档：{base}.json / .md")
    # Last: whoever sees the archive keys can rely on the files and the audit record being there.
    update(
        incident_id,
        lambda d: d.update(archive={"json": f"{base}.json", "report": f"{base}.md"}, metrics=record["metrics"]),
    )
