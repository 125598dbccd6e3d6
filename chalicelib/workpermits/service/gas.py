"""Gas analyses (气体分析) of a permit: recorded with their §5.3 verdict, read back for the start/resume checks."""

from __future__ import annotations

from typing import Any

from chalicelib.core import clock, errors
from chalicelib.core.identity import Identity
from chalicelib.core.store import transaction
from chalicelib.workpermits import domain, store
from chalicelib.workpermits.domain import gas
from chalicelib.workpermits.schemas import GasAnalysisIn
from chalicelib.workpermits.service.records import load

FUTURE_SKEW_MS = 60_000  # a handheld detector's clock may run a little ahead


def view(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "sampled_at": clock.iso(data["sampled_ms"]), "recorded_at": clock.iso(data["recorded_ms"])}


def record(permit_id: str, body: GasAnalysisIn, who: Identity) -> dict[str, Any]:
    """Record one analysis of an open permit; the verdict (passed, failures naming the rule) is kept with it."""
    item = load(permit_id, who)
    if item.state not in domain.OPEN:
        raise domain.PERMIT_STATE(details={"state": item.state, "action": "gas_analysis"})
    now, sampled = clock.now_ms(), clock.to_ms(body.sampled_at)
    if sampled > now + FUTURE_SKEW_MS:
        raise errors.invalid_field("sampled_at", "采样时间不能晚于当前时间", "range")
    results = [r.model_dump(mode="json") for r in body.results]
    verdict = gas.evaluate(item.doc.get("gas_rules") or item.type, results)
    analysis = store.GasAnalysisModel(
        permit_id,
        store.event_key(sampled),
        sampled_ms=sampled,
        recorded_ms=now,
        by=who.subject,
        passed=verdict.passed,
        doc={"analyst": body.analyst, "results": results, "failures": list(verdict.failures)},
    )
    with transaction() as tx:
        tx.save(analysis)
        order = 2 * int(item.version or 0) - 1  # after the step that made the current version, before the next
        tx.save(
            store.event(permit_id, now, who.subject, "gas_analysis", order, passed=verdict.passed, sampled_ms=sampled)
        )
    return view(analysis.data())


def list_for(permit_id: str, who: Identity) -> list[dict[str, Any]]:
    load(permit_id, who)
    return [view(a.data()) for a in store.GasAnalysisModel.query(permit_id)]
