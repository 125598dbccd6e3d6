"""Process settings read once from the environment (Lambda env vars in AWS, the local stack's env locally).

`Settings` is the only reader of environment variables in chalicelib (a test enforces it): every knob is a
validated field here, infra/ passes each one to the Lambdas (`as_env`), and a bad value fails loudly as
MISCONFIGURED naming the variable instead of being read differently in each module.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, ValidationInfo, field_validator

from chalicelib import __version__
from chalicelib.core import errors

MISCONFIGURED = errors.define(
    "MISCONFIGURED",
    500,
    "服务配置缺失",
    "A setting or resource environment variable is missing or invalid in this deployment.",
)
# Catalogue resources (core.catalog) are passed as CHEMPARK_<KIND>_<LOGICAL>_<ATTR>, e.g. CHEMPARK_QUEUE_TELEMETRY_URL.
RESOURCE_KINDS = ("QUEUE", "TOPIC", "BUCKET", "SM", "KEY")
# Change-approval step limits (6.2.4-2). Approval, test and implementation end the change when they run out
# (expired, expired, rollback); review and rollback only remind every period, because a change that is live
# or half-undone must not be abandoned by a timer.
# Read while infra/ packages the app (which authorizer every route declares, core.authn), not by a Lambda.
PACKAGING = frozenset({"cognito_user_pool_arn", "oidc_authorizer_uri", "oidc_authorizer_ttl_s"})
# Secrets: never a CDK context value or a template literal; infra/ fills them from Secrets Manager.
SECRETS = frozenset({"cursor_key"})
CHANGE_LIMITS = (
    "change_approval_s", "change_test_s", "change_implementation_s", "change_review_s", "change_rollback_s",
)  # fmt: skip


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
    # HMAC key of page cursors (core.pagination). Empty: a random key per process (tests); a deployed Lambda
    # refuses to run list routes without one (MISCONFIGURED).
    cursor_key: SecretStr = SecretStr("")
    log_level: str = "INFO"
    trace_disabled: bool = False  # POWERTOOLS_TRACE_DISABLED (the local stack turns X-Ray off)
    lambda_function_name: str = ""  # set by Lambda itself: tracing starts only inside a Lambda
    # The account's iot-data endpoint (device commands, live channel); empty: boto3's default (locally the stack's).
    iot_data_endpoint: str = ""
    park_id: str = Field(default="park", pattern=r"^[A-Za-z0-9_-]{1,64}$")  # boundary id; live/park/<park_id>/#
    # Live channel (docs/adr/0006): locally the broker's ws:// URL; in AWS the identity pool is found by its name.
    live_url: str = ""
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
    # Shelving (ISA-18.2, docs/alarms.md "Shelving policy"): the longest shelve per priority, at most 8 h.
    shelve_max_low_s: int = Field(default=8 * 3600, ge=60, le=8 * 3600)
    shelve_max_medium_s: int = Field(default=4 * 3600, ge=60, le=8 * 3600)
    shelve_max_high_s: int = Field(default=2 * 3600, ge=60, le=8 * 3600)
    shelve_max_urgent_s: int = Field(default=3600, ge=60, le=8 * 3600)
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
    # Change approval (6.2.4-2), see CHANGE_LIMITS; the workflow gets them in its input.
    change_approval_s: int = Field(default=3 * 86400, ge=1)
    change_test_s: int = Field(default=7 * 86400, ge=1)
    change_implementation_s: int = Field(default=7 * 86400, ge=1)
    change_review_s: int = Field(default=86400, ge=1)
    change_rollback_s: int = Field(default=4 * 3600, ge=1)
    # Emergency response (5.2.2): units acknowledge the call-out in time; open incidents remind the commander.
    unit_ack_s: int = Field(default=300, ge=1)
    standdown_remind_s: int = Field(default=1800, ge=1)
    command_timeout_s: int = Field(default=60, ge=1)  # a device acknowledges a linkage command within this
    supply_expiry_warn_days: int = Field(default=30, ge=0)  # 临近保质期提醒：到期前 30 天起 (5.2.1-2)
    # Hidden dangers (5.1.2-3): an enterprise answers a 督办 order within this, else it goes up to the park.
    supervision_response_s: int = Field(default=3 * 86400, ge=1)
    photo_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)  # the interface's 5 MB per photo
    photo_url_ttl_s: int = Field(default=900, ge=60, le=7 * 86400)  # presigned upload and download links
    # Items one filtered list page may read (core.store.filtered_page): a short page and a cursor, never a scan.
    filter_read_budget: int = Field(default=1000, ge=10, le=10_000)
    # Special work (5.1.2-1): a gas alarm within this distance of an active permit suspends it.
    permit_alarm_radius_m: float = Field(default=50.0, gt=0, le=5000)
    risk_snapshot_days: int = Field(default=400, ge=62, le=3660)  # risk profile (5.1.2-2), docs/risk.md
    risk_missed_check_days: int = Field(default=30, ge=1, le=366)
    report_url_ttl_s: int = Field(default=900, ge=60, le=7 * 86400)
    onduty_grace_s: int = Field(default=900, ge=0, le=4 * 3600)  # a key post vacant this long raises an alarm
    onduty_position_fresh_s: int = Field(default=600, ge=30, le=3600)  # a position fix counts this long as presence
    patrol_checkin_radius_m: float = Field(default=50.0, gt=0, le=5000)  # check-in distance limit (5.3.2-1)
    patrol_dispatch_ahead_s: int = Field(default=3600, ge=0, le=7 * 86400)  # a patrol task reaches the app early
    access_retention_days: int = Field(default=400, ge=366, le=3650)  # access records' TTL: ≥ 1 year (5.3.1)
    presence_max_age_s: int = Field(default=24 * 3600, ge=60, le=7 * 86400)  # no gate event for this: not inside
    vehicle_dwell_max_s: int = Field(default=6 * 3600, ge=60, le=7 * 86400)  # hazmat truck's longest stay (≤ 6 h)
    vehicle_stop_max_s: int = Field(default=600, ge=30, le=86400)  # a stop outside a hazmat parking lot alarms after
    vehicle_speed_limit_kmh: float = Field(default=30.0, gt=0, le=120)  # park limit (routes and zones may be lower)
    push_vendor: Literal["none", "jpush", "hms"] = "none"  # adapter of hms/jpush tokens (notify.mobile.VendorPush)
    # Catalogue resource names, URLs and ARNs by environment variable (read through core.catalog).
    resources: dict[str, str] = Field(default_factory=dict)

    @field_validator(*CHANGE_LIMITS, mode="before")
    @classmethod
    def _blank_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        """An empty change limit means its default (as operators left it in the console)."""
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[str(info.field_name)].default
        return value

    def as_env(self) -> dict[str, str]:
        """Every runtime setting as the environment variables `get_settings` reads back (what infra/ deploys)."""
        out = {}
        for name, var in _ENV.items():
            if name in PACKAGING or name in SECRETS:
                continue
            value = getattr(self, name)
            out[var] = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return out


# Settings read from CHEMPARK_<NAME> (the field's name in upper case), named once.
_PLAIN = (  # noqa: SIM905 (a list literal would take a line per name)
    "unit_ack_s standdown_remind_s command_timeout_s supply_expiry_warn_days supervision_response_s photo_max_bytes "
    "photo_url_ttl_s filter_read_budget permit_alarm_radius_m risk_snapshot_days risk_missed_check_days "
    "report_url_ttl_s access_retention_days presence_max_age_s onduty_grace_s onduty_position_fresh_s "
    "patrol_checkin_radius_m patrol_dispatch_ahead_s push_vendor max_reading_age_s snapshot_every_s history_max_bytes "
    "tag_config_ttl_s tag_state_ttl_s park_id live_url vehicle_dwell_max_s vehicle_stop_max_s vehicle_speed_limit_kmh"
).split()
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
    "cursor_key": "CHEMPARK_CURSOR_KEY",
    "log_level": "POWERTOOLS_LOG_LEVEL",
    "trace_disabled": "POWERTOOLS_TRACE_DISABLED",
    "iot_data_endpoint": "CHEMPARK_IOT_DATA_ENDPOINT",
    "alarm_escalate_after_s": "CHEMPARK_ALARM_ESCALATE_AFTER_S",
    "alarm_renotify_after_s": "CHEMPARK_ALARM_RENOTIFY_AFTER_S",
    "shelve_max_low_s": "CHEMPARK_SHELVE_MAX_LOW_S",
    "shelve_max_medium_s": "CHEMPARK_SHELVE_MAX_MEDIUM_S",
    "shelve_max_high_s": "CHEMPARK_SHELVE_MAX_HIGH_S",
    "shelve_max_urgent_s": "CHEMPARK_SHELVE_MAX_URGENT_S",
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
    **{name: f"CHEMPARK_{name.upper()}" for name in CHANGE_LIMITS},
    **{name: f"CHEMPARK_{name.upper()}" for name in _PLAIN},
}
# Set by the platform, never by a deployment: the Lambda runtime owns these names.
_PLATFORM_ENV = {"lambda_function_name": "AWS_LAMBDA_FUNCTION_NAME"}


def env_names() -> dict[str, str]:
    """Setting name -> environment variable, for infra and the local stack to fill."""
    return dict(_ENV)


def _read() -> dict[str, Any]:
    env = os.environ
    values: dict[str, Any] = {name: env[var] for name, var in {**_ENV, **_PLATFORM_ENV}.items() if var in env}
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if region:
        values["region"] = region
    key_file = env.get("CHEMPARK_JWT_PUBLIC_KEY_FILE")
    if key_file and "jwt_public_key" not in values:
        with open(key_file, encoding="utf-8") as handle:
            values["jwt_public_key"] = handle.read()
    values["resources"] = {k: v for k, v in env.items() if _is_resource(k)}
    return values


def _is_resource(var: str) -> bool:
    parts = var.split("_")
    return len(parts) >= 4 and parts[0] == "CHEMPARK" and parts[1] in RESOURCE_KINDS


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings.model_validate(_read())
    except ValidationError as exc:  # not a request's fault: never answered as a 422 on the body
        names = {**_ENV, **_PLATFORM_ENV}
        bad = sorted({names.get(str(e["loc"][0]), str(e["loc"][0])) for e in exc.errors() if e["loc"]})
        raise MISCONFIGURED(details={"env": bad, "reason": str(exc.errors()[0]["msg"])}) from None


def reset() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
