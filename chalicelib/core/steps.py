"""Human steps (人工环节) of a workflow: a person completes the step an execution waits on, exactly once.

A waiting step is a `lambda:invoke.waitForTaskToken` task whose Lambda stores, on the record the step is about,
the task token (`token`) and the step's name (`awaiting`). `complete` claims the step with one conditional
update on that stored token, in which the person's answer is written and the token cleared: of two concurrent
callers exactly one wins, the other is told at once (409 `STEP_TAKEN`, `details.step` naming the step). Then
it records the event and resumes the execution (SendTaskSuccess). If Step Functions does not answer, the step
is handed back (token restored) so it can be retried; if the execution moved on before (timeout, escalation),
`STEP_EXPIRED`. Nobody sleeps or polls: a step that is not awaited yet answers the caller's error now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.core import errors, workflows
from chalicelib.core.store import conditional

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action
    from pynamodb.models import Model

STEP_TAKEN = errors.define(
    "STEP_TAKEN",
    409,
    "该步骤已由他人处理（或已超时），请刷新后查看",
    "Another caller completed this human step first (or it timed out meanwhile); details.step names it.",
)
ATTEMPTS = 8  # re-reads when another writer changed the record (not the step) between read and claim


W = TypeVar("W", bound="Model")  # a model whose items carry `token`, `awaiting` and `status` attributes


def complete(
    load: Callable[[], W],
    step: str,
    output: Mapping[str, Any],
    *,
    not_awaited: Callable[[W], Exception],
    check: Callable[[W], None] | None = None,
    decide: Callable[[W], Sequence[Action]] = lambda _: (),
    record: Callable[[W], None] | None = None,
    not_applied: Callable[[str], None] | None = None,
) -> W:
    """Complete `step` of the record `load()` reads; returns the record as claimed.

    `not_awaited(item)` is the error when the record does not wait for `step` (the context's WRONG_STEP);
    `check` enforces the context's rules on the fresh record (four eyes, separation of duties); `decide` gives
    the update actions that store the person's answer with the claim; `record` appends the timeline entry
    (after the claim, before resuming); `not_applied(reason)` notes a completion that did not take effect.
    """
    seen: str | None = None
    for _ in range(ATTEMPTS):
        item: Any = load()
        if seen is None and (item.awaiting != step or not item.token):
            raise not_awaited(item)
        if seen is not None and (item.token != seen or item.awaiting != step):
            raise STEP_TAKEN(details={"step": step})  # someone completed it (or it timed out) since our read
        seen = item.token
        if check is not None:
            check(item)
        model: Any = type(item)
        actions = [*decide(item), model.awaiting.remove(), model.token.remove()]
        with conditional() as claim:
            # The stored token decides who completes the step; the version keeps others' writes (re-read then).
            item.update(actions=actions, condition=(model.token == seen) & (model.awaiting == step))
        if not claim.failed:
            break
    else:
        raise errors.CONFLICT(details={"step": step})
    if record is not None:
        record(item)  # before resuming: the timeline keeps the order in which things happened
    _resume(item, step, seen, output, not_applied)
    return item


def _resume(
    item: Any, step: str, token: str, output: Mapping[str, Any], not_applied: Callable[[str], None] | None
) -> None:
    try:
        workflows.resume(token, dict(output))
    except errors.AppError:
        if not_applied is not None:
            not_applied("step expired before it was completed")
        raise
    except Exception as exc:
        hand_back(item, step, token)
        if not_applied is not None:
            not_applied(type(exc).__name__)
        raise errors.DEPENDENCY_UNAVAILABLE(details={"service": "stepfunctions", "step": step}) from exc


def hand_back(item: Any, step: str, token: str) -> None:
    """Restore the step so it can be completed again, unless the workflow has moved on meanwhile (a new token
    stored, or another status): then the next step's own record stands."""
    model: Any = type(item)
    still = model.token.does_not_exist() & model.awaiting.does_not_exist() & (model.status == item.status)
    with conditional():  # the workflow moved on: nothing to hand back
        item.update(
            actions=[model.awaiting.set(step), model.token.set(token)], condition=still, add_version_condition=False
        )
