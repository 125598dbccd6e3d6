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
    auth_mode: Literal["local", "cognito"] = "local"
    jwt_issuer: str = "https://auth.chempark.local"
    jwt_audience: str = "chempark-api"
    jwt_public_key: str = ""
    log_level: str = "INFO"
    # Telemetry ingest (5.1.1-1): how late a reading may be before it is quarantined as stale history.
    max_reading_age_s: int = Field(default=7 * 24 * 3600, ge=60)


_ENV = {
    "stage": "CHEMPARK_STAGE",
    "resource_prefix": "CHEMPARK_RESOURCE_PREFIX",
    "auth_mode": "CHEMPARK_AUTH_MODE",
    "jwt_issuer": "CHEMPARK_JWT_ISSUER",
    "jwt_audience": "CHEMPARK_JWT_AUDIENCE",
    "jwt_public_key": "CHEMPARK_JWT_PUBLIC_KEY",
    "log_level": "POWERTOOLS_LOG_LEVEL",
    "max_reading_age_s": "CHEMPARK_MAX_READING_AGE_S",
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
