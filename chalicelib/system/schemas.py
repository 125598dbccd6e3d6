"""System HTTP contracts."""

from __future__ import annotations

from chalicelib.core.schemas import Schema


class Check(Schema):
    ok: bool
    ms: float
    error: str | None = None


class HealthOut(Schema):
    status: str  # ok | degraded
    version: str
    stage: str
    checks: dict[str, Check]


class MeOut(Schema):
    subject: str
    name: str
    roles: list[str]
    enterprise_id: str | None
