"""Quarterly configuration audit (定期配置审计, 6.2.4-4): record against the running environment, per CI.

For each CI that existed in the quarter: the differences between its declared (approved) configuration
and what was last observed running; whether anyone observed it during the quarter; and the changes
completed or rolled back in the quarter. Differences compare the current records (the audit is run in
or right after the quarter it covers); "observed in the quarter" comes from the observation history.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalicelib.changes import domain, store
from chalicelib.core import clock
from chalicelib.core.settings import get_settings


def _observed_in(quarter: domain.Quarter) -> set[str]:
    model = store.CIHistoryModel
    window = model.ts.between(quarter.start_ms, quarter.end_ms - 1)
    return {h.ci_id for h in model.by_type.query("observed", range_key_condition=window)}


def _changes(outcome: str, quarter: domain.Quarter) -> list[dict[str, Any]]:
    model = store.ChangeModel
    window = model.closed_ms.between(quarter.start_ms, quarter.end_ms - 1)
    out = []
    for c in model.by_outcome.query(outcome, range_key_condition=window):
        doc = c.doc_map()
        out.append(
            {
                "id": c.id,
                "title": c.title,
                "closed_ms": int(c.closed_ms),
                "requester": c.requester,
                "implementer": c.implementer,
                "ci_ids": [i["ci_id"] for i in doc.get("items", [])],
                "report_key": c.report_key,
            }
        )
    return sorted(out, key=lambda c: c["closed_ms"])


def _item(ci: store.CIModel, observed_ids: set[str]) -> dict[str, Any]:
    values = {k: v["value"] for k, v in ci.observed.items()}
    differences = domain.diff(ci.declared, values)
    return {
        "ci_id": ci.id,
        "name": ci.name,
        "kind": ci.kind,
        "owner": ci.owner,
        "consistent": not differences,
        "differences": [asdict(d) for d in differences],
        "observed_in_quarter": ci.id in observed_ids,
        "last_observed_ms": int(ci.last_observed_ms) if ci.last_observed_ms is not None else None,
    }


def run(quarter_label: str | None) -> dict[str, Any]:
    """The audit report of one quarter (default: the current one, in park local time)."""
    offset, now = get_settings().park_utc_offset_h, clock.now_ms()
    quarter = domain.parse_quarter(quarter_label or domain.quarter_of(now, offset), offset)
    observed_ids = _observed_in(quarter)
    cis = [ci for ci in store.CIModel.scan() if int(ci.created_ms) < quarter.end_ms]
    items = sorted((_item(ci, observed_ids) for ci in cis), key=lambda i: (i["consistent"], i["ci_id"]))
    completed = _changes(domain.Outcome.COMPLETED, quarter)
    rolled_back = _changes(domain.Outcome.ROLLED_BACK, quarter)
    kinds = [d["kind"] for i in items for d in i["differences"]]
    not_observed = sorted(i["ci_id"] for i in items if not i["observed_in_quarter"])
    return {
        "quarter": quarter.label,
        "from_ms": quarter.start_ms,
        "to_ms": quarter.end_ms,
        "generated_ms": now,
        "items": items,
        "not_observed": not_observed,
        "changes_completed": completed,
        "changes_rolled_back": rolled_back,
        "summary": {
            "items": len(items),
            "consistent": sum(1 for i in items if i["consistent"]),
            "with_differences": sum(1 for i in items if not i["consistent"]),
            "mismatch": kinds.count("mismatch"),
            "unobserved": kinds.count("unobserved"),
            "undeclared": kinds.count("undeclared"),
            "not_observed": len(not_observed),
            "changes_completed": len(completed),
            "changes_rolled_back": len(rolled_back),
        },
    }
