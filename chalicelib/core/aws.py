"""Lazy, cached boto3 clients: boto3 is imported on first use, never at import time (cold start)."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

_lock = threading.Lock()


@cache
def client(service: str) -> Any:
    """A shared client per service; honours AWS_ENDPOINT_URL (moto locally) like every boto3 client."""
    with _lock:  # boto3's default session is not thread-safe while it creates clients
        import boto3
        from botocore.config import Config

        from chalicelib.core.settings import get_settings

        settings = get_settings()
        config = Config(retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=3, read_timeout=10)
        extra = {}
        # iot-data may need the account's own endpoint (Settings.iot_data_endpoint); locally AWS_ENDPOINT_URL.
        if service == "iot-data" and settings.iot_data_endpoint:
            extra["endpoint_url"] = settings.iot_data_endpoint
        return boto3.client(service, region_name=settings.region, config=config, **extra)


def reset() -> None:
    """Drop cached clients (the local stack and tests switch endpoints)."""
    client.cache_clear()
