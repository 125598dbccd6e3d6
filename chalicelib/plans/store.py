"""Plan tables: the plan head (current version, status) and every version, kept read-only once written."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute, VersionAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chalicelib.core.store import DocumentAttribute, gsi, meta


class PlanModel(Model):
    """The plan head: a copy of the current version's document, so lists and selection read one item.

    Types and levels are sets so list filters run in DynamoDB; `lock` guards against a concurrent revision.
    """

    Meta = meta("plans")
    id = UnicodeAttribute(hash_key=True)
    owner = UnicodeAttribute()  # enterprise id, or "_park"
    status = UnicodeAttribute(default="active")  # active | retired
    current = NumberAttribute()  # current version number
    accident_types = UnicodeSetAttribute()
    levels = UnicodeSetAttribute()
    doc = DocumentAttribute()  # the current version's document
    revised_ms = NumberAttribute()
    revised_by = UnicodeAttribute()
    note = UnicodeAttribute(default="")
    created_ms = NumberAttribute()
    retired_ms = NumberAttribute(null=True)
    retired_reason = UnicodeAttribute(null=True)
    lock = VersionAttribute()

    by_owner = gsi("by_owner", "owner", "id", UnicodeAttribute)


class PlanVersionModel(Model):
    """One version of a plan as written; never updated (append-only in AWS)."""

    Meta = meta("plan-versions", append_only=True)
    plan_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    doc = DocumentAttribute()
    created_ms = NumberAttribute()
    by = UnicodeAttribute()
    note = UnicodeAttribute(default="")

    def document(self) -> dict[str, Any]:
        return self.doc


def page(
    owners: list[str] | None, condition: Condition | None, limit: int, cursor: dict[str, Any] | None
) -> tuple[list[PlanModel], dict[str, Any] | None]:
    """One page of plan heads limited to `owners` (None = all): an index query for one, a filtered scan else."""
    if owners is not None and len(owners) == 1:
        results = PlanModel.by_owner.query(
            owners[0], filter_condition=condition, limit=limit, last_evaluated_key=cursor
        )
    else:
        if owners is not None:
            scoped = PlanModel.owner.is_in(*owners)
            condition = scoped if condition is None else condition & scoped
        results = PlanModel.scan(condition, limit=limit, last_evaluated_key=cursor)
    items = list(results)
    return items, results.last_evaluated_key


def heads(owners: list[str] | None, condition: Condition | None = None) -> list[PlanModel]:
    """Every plan head of these owners (a park has tens of plans: one filtered scan)."""
    if owners is not None:
        scoped = PlanModel.owner.is_in(*owners)
        condition = scoped if condition is None else condition & scoped
    return list(PlanModel.scan(condition))


def versions(plan_id: str) -> list[PlanVersionModel]:
    return list(PlanVersionModel.query(plan_id))
