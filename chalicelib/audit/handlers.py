"""Audit event Lambdas: the sequencer that chains pending entries and signs checkpoints, every minute."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Rate

from chalicelib.audit import sequencer

bp = Blueprint(__name__)
SEQUENCER = "audit_sequencer"  # infra/ gives this function its own role (the only chain writer and signer)


@bp.schedule(Rate(1, unit=Rate.MINUTES), name=SEQUENCER)
def audit_sequencer(event: Any) -> dict[str, Any]:
    """Every minute: chain pending audit entries in order, then sign a checkpoint of the new segments."""
    return sequencer.run()
