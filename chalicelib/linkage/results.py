"""What a linkage run (`service.trigger`) tells its caller, as frozen results: the incident response workflow
keeps the rules and the counts; a public-area event stores the rules, the commands and the errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MatchedRule:
    id: str
    name: str

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class SentCommand:
    """One device command of the run (`duplicate`: a retried run found it recorded, and sent nothing)."""

    command_id: str
    device_id: str
    command: str
    status: str  # sent | simulated | failed | acked ...
    distance_m: float
    duplicate: bool

    def public(self) -> dict[str, Any]:
        """What a public-area event keeps of a command."""
        return {
            "command_id": self.command_id,
            "device_id": self.device_id,
            "command": self.command,
            "status": self.status,
            "distance_m": self.distance_m,
        }


@dataclass(frozen=True)
class Evacuation:
    """The evacuation notices of the incident so far (evacuation.summary, counts only)."""

    drill: bool
    targeted: int
    notified: int
    acknowledged: int


@dataclass(frozen=True)
class Highlight:
    """The command screen's highlight as published: its SNS message id, how many features and resources."""

    message_id: str
    features: int
    resources: int


@dataclass(frozen=True)
class Failure:
    """One action that failed (the others ran): its rule (None for the screen highlight), kind, exception name."""

    rule_id: str | None
    action: str
    error: str

    def public(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "action": self.action, "error": self.error}


@dataclass(frozen=True)
class TriggerResult:
    """What one linkage run did for an incident (or a public-area event)."""

    incident_id: str
    drill: bool
    rules: tuple[MatchedRule, ...]
    commands: tuple[SentCommand, ...]
    evacuation: Evacuation | None  # None when no rule asked for an evacuation push
    highlight: Highlight | None  # None when no rule asked for the screen highlight, or it failed
    errors: tuple[Failure, ...]


def sent_command(command: Mapping[str, Any]) -> SentCommand:
    """A command record (commands.send) with the `distance_m` the run found."""
    return SentCommand(
        command_id=command["command_id"],
        device_id=command["device_id"],
        command=command["command"],
        status=command["status"],
        distance_m=command["distance_m"],
        duplicate=bool(command.get("duplicate")),
    )


def evacuation_of(summary: Mapping[str, Any] | None) -> Evacuation | None:
    if summary is None:
        return None
    return Evacuation(
        drill=bool(summary["drill"]),
        targeted=int(summary["targeted"]),
        notified=int(summary["notified"]),
        acknowledged=int(summary["acknowledged"]),
    )
