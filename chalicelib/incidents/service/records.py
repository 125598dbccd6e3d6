"""The incident record and its command log: load, guarded update, append, replay and search."""

from __future__ import annotations

from typing import Any

from chalicelib.core import aws, catalog, clock, errors, ids
from chalicelib.core.identity import Identity
from chalicelib.core.store import conditional, get_or_404
from chalicelib.incidents import domain, ports, store


def log(incident_id: str, kind: str, actor: str = "system", text: str = "", **details: Any) -> None:
    """Append to the command log (5.2.2-4, 6.4.4-1): every event in time order."""
    now = clock.now_ms()
    store.LogModel(
        incident_id,
        f"{now:013d}#{ids.ulid()}",
        ts=now,
        kind=kind,
        actor=actor,
        doc={"text": text, **details},
    ).save()
    if ports.PORTS.listeners:  # the topic is the incident's enterprise's: one small read, only when someone hears
        item = store.IncidentModel.get(incident_id, attributes_to_get=["id", "enterprise_id", "status"])
        ports.changed({**_summary(item), "log": {"kind": kind, "text": text}})


def _summary(item: Any) -> dict[str, Any]:
    return {"id": item.id, "enterprise_id": item.enterprise_id, "status": item.status}


def load(incident_id: str, who: Identity | None = None) -> Any:
    item = get_or_404(store.IncidentModel, incident_id, field="incident_id")
    if who is not None and not who.can_see(item.enterprise_id):
        raise errors.NOT_FOUND(details={"incident_id": incident_id})
    return item


def encode(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored `doc` of an incident: its data without what has an attribute of its own."""
    own = ("id", "enterprise_id", "status", "created_ms", "awaiting_stand_down")
    return {k: v for k, v in doc.items() if k not in own}


def update(incident_id: str, change: Any, **fields: Any) -> dict[str, Any]:
    """Read-modify-write guarded by the version (the workflow and the API write the same record)."""
    for _ in range(10):
        item = load(incident_id)
        doc = item.data()
        change(doc)
        for name, value in fields.items():
            setattr(item, name, value)
        item.doc = encode(doc)
        with conditional():  # another writer came in between: read again
            item.save()
            ports.changed(_summary(item))
            return item.data()
    raise errors.CONFLICT(details={"incident_id": incident_id})


def archived_report(incident_id: str, who: Identity) -> dict[str, Any]:
    """The archive of a stood-down incident: its keys, review metrics and the zh-CN report (from S3)."""
    incident = load(incident_id, who).data()
    keys = domain.require_archive(incident)
    body = aws.client("s3").get_object(Bucket=catalog.bucket_name("reports"), Key=keys["report"])["Body"]
    return {"archive": keys, "metrics": incident.get("metrics"), "report": body.read().decode()}


def replay(incident_id: str) -> list[dict[str, Any]]:
    """The command log in time order (指令回溯, 5.2.2-3)."""
    return [
        {"ts": int(e.ts), "kind": e.kind, "actor": e.actor, **e.doc}
        for e in store.LogModel.query(incident_id, scan_index_forward=True)
    ]


def search(scope: str | None, status: str | None, drill: bool | None, limit: int) -> list[dict[str, Any]]:
    """Incidents newest first (a park has few: a scan with filters is cheaper than an index)."""
    condition = None
    for c in (
        store.IncidentModel.enterprise_id == scope if scope else None,
        store.IncidentModel.status == status if status else None,
    ):
        if c is not None:
            condition = c if condition is None else condition & c
    items = [i.data() for i in store.IncidentModel.scan(condition)]
    if drill is not None:
        items = [i for i in items if i["drill"] == drill]
    return sorted(items, key=lambda i: i["created_ms"], reverse=True)[:limit]
