"""The API conventions of docs/adr/0007-api-conventions.md, checked over the generated OpenAPI document: one time
format (ISO-8601 with offset, epoch ms only inside telemetry payloads), a 2xx schema on every operation, 409
where a conflict can happen, servers per stage."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

import app  # noqa: F401  (registers every route)
from chalicelib.core.openapi import document

GEOJSON_PATH = re.compile(r"\.geojson$|/geojson$|^/map/\{layer\}$")  # every map layer (issue 14 item 3)
# Telemetry payloads keep the device wire format's epoch ms (chalicelib/telemetry/domain/wire.py). None of them
# is part of the HTTP API today; a schema named here would be one.
TELEMETRY_PAYLOADS: frozenset[str] = frozenset()

TIME_NAME = re.compile(r"(^|_)(ts|at|time|until|since|from|to)$|_ms$|_time$")
EPOCH_WORDS = re.compile(r"epoch|毫秒|unix", re.IGNORECASE)


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def _types(prop: dict[str, Any]) -> set[str]:
    kinds = prop.get("type", [])
    found = set([kinds] if isinstance(kinds, str) else kinds)
    for option in prop.get("anyOf", []) + prop.get("oneOf", []):
        found |= _types(option)
    return found


def _epoch_like(name: str, prop: dict[str, Any]) -> bool:
    """A field that carries time as a number: named like a time (or `*_ms`) and numeric, or described as epoch."""
    numeric = bool(_types(prop) & {"integer", "number"})
    if name.endswith("_ms"):
        return True
    described = EPOCH_WORDS.search(str(prop.get("description", ""))) is not None
    return numeric and (TIME_NAME.search(name) is not None or described)


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, prop in (schema.get("properties") or {}).items():
        yield name, prop
        if isinstance(prop.get("items"), dict):
            yield from _properties(prop["items"])


def test_no_epoch_ms_field_outside_telemetry(doc):
    bad = [
        f"{model}.{name}"
        for model, schema in doc["components"]["schemas"].items()
        if model not in TELEMETRY_PAYLOADS
        for name, prop in _properties(schema)
        if _epoch_like(name, prop)
    ]
    bad += [
        f"{method} {path} ?{p['name']}"
        for method, path, op in _operations(doc)
        for p in op["parameters"]
        if p["in"] == "query" and _epoch_like(p["name"], p["schema"])
    ]
    assert not bad, f"times in the API are ISO-8601 with offset (core.schemas.Instant / IsoTime): {bad}"


def test_time_fields_are_date_times(doc):
    """The other half of the rule: a field named like a time is a string with format date-time (or a date)."""
    bad = []
    for model, schema in doc["components"]["schemas"].items():
        for name, prop in _properties(schema):
            if re.search(r"_at$", name) and not _is_time_string(prop):
                bad.append(f"{model}.{name}")
    assert not bad, bad


def _is_time_string(prop: dict[str, Any]) -> bool:
    options = [prop, *prop.get("anyOf", [])]
    return any(o.get("format") in ("date-time", "date") for o in options)


def test_every_operation_has_a_2xx_schema(doc):
    missing = []
    for method, path, op in _operations(doc):
        ok = {status: r for status, r in op["responses"].items() if status.startswith("2")}
        assert ok, f"{method} {path} documents no 2xx response"
        if method == "DELETE" and set(ok) == {"204"}:
            continue  # no content by definition
        if GEOJSON_PATH.search(path):  # typed, and served as application/geo+json (RFC 7946)
            types = {t for r in ok.values() for t, c in (r.get("content") or {}).items() if c.get("schema")}
            if types != {"application/geo+json"}:
                missing.append(f"{method} {path} (application/geo+json with a schema, not {sorted(types)})")
            continue
        if not any(c.get("schema") for r in ok.values() for c in (r.get("content") or {}).values()):
            missing.append(f"{method} {path}")
    assert not missing, f"give these routes response=... (core.http.route): {missing}"


def test_409_is_documented_on_every_write_and_names_its_codes(doc):
    for method, path, op in _operations(doc):
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            conflict = op["responses"].get("409")
            assert conflict, f"{method} {path} can conflict (conditional writes) but documents no 409"
            assert "CONFLICT" in conflict["description"] and "STATE_CONFLICT" in conflict["description"]


def test_a_context_lists_its_own_409_codes(doc):
    ack = doc["paths"]["/alarms/{alarm_id}/ack"]["post"]["responses"]["409"]["description"]
    assert "ALARM_INVALID_TRANSITION" in ack
    assert "ALARM_INVALID_TRANSITION" not in doc["paths"]["/plans"]["post"]["responses"]["409"]["description"]


def test_servers_name_the_local_stack_and_every_deployed_stage(doc):
    urls = [s["url"] for s in doc["servers"]]
    assert "http://127.0.0.1:{port}" in urls
    aws = next(s for s in doc["servers"] if "execute-api" in s["url"])
    assert aws["url"] == "https://{api_id}.execute-api.{region}.amazonaws.com/{stage}"
    assert set(aws["variables"]) == {"api_id", "region", "stage"}
