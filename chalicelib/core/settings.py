"""Process settings read once from the environment (Lambda env vars in AWS, the local stack's env locally)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from chalicelib import __version__


class Settings(BaseModel):
    """Every knob the runtime reads. Resource names derive from `resource_prefix` (see core.catalog)."""

    stage: str = "local"
    resource_prefix: str = "chempark-local"
    region: str = "us-east-1"
    version: str = __version__
    # local: the embedded issuer's RS256 tokens, verified here; cognito: API Gateway's Cognito authorizer;
    # oidc: the Lambda authorizer (core.authorizer) over any OIDC provider's JWKS (docs/adr/0003).
    auth_mode: Literal["local", "cognito", "oidc"] = "local"
    jwt_issuer: str = "https://auth.chempark.local"
    jwt_audience: str = "chempark-api"
    jwt_public_key: str = ""
    # Set by infra/ while packaging, so every non-public route gets the authorizer of the stack's mode.
    cognito_user_pool_arn: str = ""
    oidc_authorizer_uri: str = ""  # API Gateway's invocation URI of the oidc authorizer function
    oidc_authorizer_ttl_s: int = Field(default=300, ge=0, le=3600)  # API Gateway's cache of an Allow
    # oidc mode: the provider and how its claims map onto an Identity (core.identity.ClaimNames).
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_jwks_url: str = ""  # default: <issuer>/.well-known/jwks.json
    oidc_subject_claim: str = "sub"
    oidc_groups_claim: str = "groups"
    oidc_enterprise_claim: str = "enterprise_id"
    oidc_scope_claim: str = "chempark_scope"
    oidc_name_claim: str = "name"
    log_level: str = "INFO"
    # Telemetry ingest (5.1.1-1): how late a reading may be before it is quarantined as stale history.
    max_reading_age_s: int = Field(default=7 * 24 * 3600, ge=60)
    # At most one last-value snapshot per gateway per period (docs/telemetry.md explains the bound).
    snapshot_every_s: int = Field(default=300, ge=1)
    # Readings history: the most archive bytes one request may read (a larger window answers WINDOW_TOO_LARGE).
    history_max_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    tag_config_ttl_s: int = Field(default=15, ge=0)  # registry changes reach the evaluator within this
    tag_state_ttl_s: int = Field(default=300, ge=0)  # a quiet cached tag state is trusted this long
    # Alarm management (ISA-18.2): unacknowledged alarms escalate, then are re-notified.
    alarm_escalate_after_s: int = Field(default=600, ge=1)
    alarm_renotify_after_s: int = Field(default=300, ge=1)
    flood_threshold: int = Field(default=10, ge=1)  # more than this many alarms ...
    flood_window_s: int = Field(default=600, ge=1)  # ... in this window, for one area, is a flood
    digest_every_s: int = Field(default=300, ge=1)  # during a flood SMS become one digest per period
    # Warning verification (6.3.2): alarms at or above this priority start a verification workflow.
    warning_min_priority: Literal["low", "medium", "high", "urgent"] = "high"
    verify_urgent_s: int = Field(default=300, ge=1)  # the duty officer verifies an urgent warning within 5 min
    verify_high_s: int = Field(default=600, ge=1)
    verify_other_s: int = Field(default=1800, ge=1)
    escalate_s: int = Field(default=300, ge=1)  # then the shift supervisor has this long
    safety_head_s: int = Field(default=600, ge=1)  # then the park safety head (reminded every period)
    approval_s: int = Field(default=900, ge=1)  # publication approval, reminded every period
    tracking_s: int = Field(default=3600, ge=1)  # feedback reminder period until the risk is lifted
    park_utc_offset_h: int = Field(default=8, ge=-12, le=14)  # duty shifts are in park local time (UTC+8)


_ENV = {
    "stage": "CHEMPARK_STAGE",
    "resource_prefix": "CHEMPARK_RESOURCE_PREFIX",
    "auth_mode": "CHEMPARK_AUTH_MODE",
    "jwt_issuer": "CHEMPARK_JWT_ISSUER",
    "jwt_audience": "CHEMPARK_JWT_AUDIENCE",
    "jwt_public_key": "CHEMPARK_JWT_PUBLIC_KEY",
    "cognito_user_pool_arn": "CHEMPARK_COGNITO_USER_POOL_ARN",
    "oidc_authorizer_uri": "CHEMPARK_OIDC_AUTHORIZER_URI",
    "oidc_authorizer_ttl_s": "CHEMPARK_OIDC_AUTHORIZER_TTL_S",
    "oidc_issuer": "CHEMPARK_OIDC_ISSUER",
    "oidc_audience": "CHEMPARK_OIDC_AUDIENCE",
    "oidc_jwks_url": "CHEMPARK_OIDC_JWKS_URL",
    "oidc_subject_claim": "CHEMPARK_OIDC_SUBJECT_CLAIM",
    "oidc_groups_claim": "CHEMPARK_OIDC_GROUPS_CLAIM",
    "oidc_enterprise_claim": "CHEMPARK_OIDC_ENTERPRISE_CLAIM",
    "oidc_scope_claim": "CHEMPARK_OIDC_SCOPE_CLAIM",
    "oidc_name_claim": "CHEMPARK_OIDC_NAME_CLAIM",
    "log_level": "POWERTOOLS_LOG_LEVEL",
    "max_reading_age_s": "CHEMPARK_MAX_READING_AGE_S",
    "snapshot_every_s": "CHEMPARK_SNAPSHOT_EVERY_S",
    "history_max_bytes": "CHEMPARK_HISTORY_MAX_BYTES",
    "tag_config_ttl_s": "CHEMPARK_TAG_CONFIG_TTL_S",
    "tag_state_ttl_s": "CHEMPARK_TAG_STATE_TTL_S",
    "alarm_escalate_after_s": "CHEMPARK_ALARM_ESCALATE_AFTER_S",
    "alarm_renotify_after_s": "CHEMPARK_ALARM_RENOTIFY_AFTER_S",
    "flood_threshold": "CHEMPARK_FLOOD_THRESHOLD",
    "flood_window_s": "CHEMPARK_FLOOD_WINDOW_S",
    "digest_every_s": "CHEMPARK_DIGEST_EVERY_S",
    "warning_min_priority": "CHEMPARK_WARNING_MIN_PRIORITY",
    "verify_urgent_s": "CHEMPARK_VERIFY_URGENT_S",
    "verify_high_s": "CHEMPARK_VERIFY_HIGH_S",
    "verify_other_s": "CHEMPARK_VERIFY_OTHER_S",
    "escalate_s": "CHEMPARK_ESCALATE_S",
    "safety_head_s": "CHEMPARK_SAFETY_HEAD_S",
    "approval_s": "CHEMPARK_APPROVAL_S",
    "tracking_s": "CHEMPARK_TRACKING_S",
    "park_utc_offset_h": "CHEMPARK_PARK_UTC_OFFSET_H",
}


def env_names() -> dict[str, str]:
    """Setting name -> environment variable, for infra and the local stack to fill."""
    return dict(_ENV)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    values: dict[str, str] = {name: os.environ[var] for name, var in _ENV.items() if var in os.environ}
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        values["region"] = region
    key_file = os.environ.get("CHEMPARK_JWT_PUBLIC_KEY_FILE")
    if key_file and "jwt_public_key" not in values:
        with open(key_file, encoding="utf-8") as handle:
            values["jwt_public_key"] = handle.read()
    return Settings.model_validate(values)


def reset() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
