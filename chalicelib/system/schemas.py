"""System HTTP contracts."""

from __future__ import annotations

from pydantic import BaseModel


class Check(BaseModel):
    ok: bool
    ms: float
    error: str | None = None


class HealthOut(BaseModel):
    status: str  # ok | degraded
    version: str
    stage: str
    checks: dict[str, Check]


class MeOut(BaseModel):
    subject: str
    name: str
    roles: list[str]
    enterprise_id: str | None
