"""What moto recorded, for tests and the simulator: SMS that SNS sent, mobile pushes, iot-data publishes (and a
relay of them), every DynamoDB item, and moto's own ASL parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from local.moto_patches import targets as t
from local.moto_patches.dynamodb import dynamodb_held

ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account; local/env.py sets the region


def sms_messages() -> list[tuple[str, str]]:
    """(number, text) of every SMS moto's SNS sent, oldest first."""
    backend = t.SNS_BACKENDS.resolve()[ACCOUNT][REGION]
    return list(backend.sms_messages.values())


def pushed(endpoint_arn: str) -> list[str]:
    """The messages moto's SNS published to one mobile push endpoint, oldest first ([] once it is deleted)."""
    backend = t.SNS_BACKENDS.resolve()[ACCOUNT][REGION]
    endpoint = backend.platform_endpoints.get(endpoint_arn)
    return list(endpoint.messages.values()) if endpoint is not None else []


def iot_published() -> list[tuple[str, bytes]]:
    """(topic, payload) of every iot-data publish moto received, oldest first."""
    backend = t.IOT_DATA_BACKENDS.resolve()[ACCOUNT][REGION]
    return list(backend.published_payloads)


def relay_iot_publishes(relay: Callable[[str, bytes], None]) -> Callable[[], None]:
    """Also hand every iot-data publish to `relay` (IoT Core would deliver it over MQTT); returns the undo."""
    original = t.IOT_DATA_PUBLISH.resolve()

    def publish(self: Any, topic: str, payload: bytes) -> None:
        original(self, topic, payload)
        relay(topic, payload)

    t.IOT_DATA_PUBLISH.replace(publish)
    return lambda: t.IOT_DATA_PUBLISH.replace(original)


def dynamodb_items() -> dict[tuple[str, Any, Any], dict[str, Any]]:
    """Every item moto's DynamoDB holds, keyed (table, hash key, range key or None), in DynamoDB JSON
    (`{"name": {"S": "..."}}`): one consistent view, read under the lock every item operation takes, with no
    request per table (the tenancy walk reads it after each of its ~240 requests)."""
    items: dict[tuple[str, Any, Any], dict[str, Any]] = {}
    with dynamodb_held():
        for name, table in t.DYNAMODB_BACKENDS.resolve()[ACCOUNT][REGION].tables.items():
            for hash_key, held in table.items.items():  # Table.items[hash][range] (targets.check proves it)
                for range_key, item in held.items() if table.range_key_attr else ((None, held),):
                    key = (name, hash_key.value, None if range_key is None else range_key.value)
                    items[key] = item.to_json()["Attributes"]
    return items


def parse_asl(definition: str) -> Any:
    """Parse an ASL text with moto's own parser (the one that will execute it); raises on grammar errors."""
    return t.ASL_PARSER.resolve()(definition)
