"""Registry tables: each entity is its keys, its validated document (JSON) and a version for safe updates."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class DocModel(Model):
    """Shared shape: `doc` holds the entity as validated by its schema; `version` guards concurrent edits."""

    id = UnicodeAttribute(hash_key=True)
    doc = DocumentAttribute()
    version = VersionAttribute()
    created_ms = NumberAttribute()
    updated_ms = NumberAttribute()

    def data(self) -> dict[str, Any]:
        return {**self.doc, "id": self.id, "created_at": self.created_ms, "updated_at": self.updated_ms}


class ParkModel(DocModel):
    Meta = meta("park")


class GenerationModel(Model):
    """One counter item in the park table, bumped by every registry write (a plain ADD: no version check)."""

    Meta = meta("park")
    id = UnicodeAttribute(hash_key=True)
    generation = NumberAttribute(default=0)


GENERATION_ID = "_generation"


def bump_generation() -> None:
    """Tell every evaluator that sensor or installation configuration changed (one cheap read to notice)."""
    GenerationModel(GENERATION_ID).update(actions=[GenerationModel.generation.add(1)])


def generation() -> int:
    from pynamodb.exceptions import DoesNotExist

    try:
        return int(GenerationModel.get(GENERATION_ID).generation or 0)
    except DoesNotExist:
        return 0


class EnterpriseModel(DocModel):
    Meta = meta("enterprises")


class ZoneModel(DocModel):
    Meta = meta("zones")
    enterprise_id = UnicodeAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)


class InstallationModel(DocModel):
    Meta = meta("installations")
    enterprise_id = UnicodeAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)


class SensorModel(DocModel):
    Meta = meta("sensors")
    enterprise_id = UnicodeAttribute()
    installation_id = UnicodeAttribute(null=True)
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)
    by_installation = gsi("by_installation", "installation_id", "id", UnicodeAttribute)


class CameraModel(DocModel):
    Meta = meta("cameras")
    enterprise_id = UnicodeAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)


class GatewayModel(DocModel):
    Meta = meta("gateways")
    enterprise_id = UnicodeAttribute()
    by_enterprise = gsi("by_enterprise", "enterprise_id", "id", UnicodeAttribute)


def save_new(model: type[DocModel], entity_id: str, doc: dict[str, Any], now_ms: int, **keys: Any) -> DocModel:
    """Create; raises PutError (conditional) when the id is taken."""
    item = model(entity_id, doc=doc, created_ms=now_ms, updated_ms=now_ms, **keys)
    item.save(condition=model.id.does_not_exist())
    return item


def save_existing(item: DocModel, doc: dict[str, Any], now_ms: int, **keys: Any) -> DocModel:
    """Replace the document; the version attribute makes a concurrent edit fail instead of being lost."""
    item.doc = doc
    item.updated_ms = now_ms
    for name, value in keys.items():
        setattr(item, name, value)
    item.save()
    return item


def page(
    model: type[DocModel],
    enterprise_id: str | None,
    limit: int,
    cursor: dict[str, Any] | None,
    index: str = "by_enterprise",
    key: str | None = None,
) -> tuple[list[DocModel], dict[str, Any] | None]:
    """One page: by an index key when given (enterprise, installation), else a scan of the table."""
    lookup = key if key is not None else enterprise_id
    if lookup is not None:
        results = getattr(model, index).query(lookup, limit=limit, last_evaluated_key=cursor)
    else:
        results = model.scan(limit=limit, last_evaluated_key=cursor)
    items = list(results)
    return items, results.last_evaluated_key
