"""Page cursors are signed (issue 10, finding 9): a forged, altered or other route's cursor answers 400
INVALID_CURSOR naming query.cursor, never a 500 from a start key DynamoDB refuses; issued ones page as before."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from tests.support import make_park


def _forged(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


@pytest.fixture(scope="module")
def parks(app: Any) -> list[Any]:
    from chalice.test import Client

    from tests.conftest import Api

    with Client(app) as client:
        return [make_park(Api(client)) for _ in range(3)]


def _pages(api: Any, path: str) -> list[dict[str, Any]]:
    seen, cursor = [], ""
    for _ in range(100):
        reply = api.get(f"{path}?limit=1{cursor}", role="park_admin")
        assert reply.status_code == 200, reply.json
        seen += reply.json["items"]
        if not reply.json["next_cursor"]:
            return seen
        cursor = f"&cursor={reply.json['next_cursor']}"
    raise AssertionError("no last page")


def test_issued_cursors_page_through_everything(api: Any, parks: list[Any]) -> None:
    ids = [g["id"] for g in _pages(api, "/gateways")]
    assert len(ids) == len(set(ids)) and {p.gateway for p in parks} <= set(ids)


@pytest.mark.parametrize(
    "cursor",
    [
        _forged({"id": {"S": 1}}),  # a dict DynamoDB refuses as a start key: was a 500
        _forged({"id": "gw-anything"}),  # well-formed, but not issued by the API
        _forged({"id": "gw-anything"}) + ".AAAAAAAAAAAAAAAAAAAAAA",
        "%%%",
    ],
)
def test_a_cursor_the_api_did_not_issue_is_400_naming_the_field(api: Any, parks: list[Any], cursor: str) -> None:
    r = api.get(f"/gateways?cursor={cursor}", role="park_admin")
    assert r.status_code == 400, r.json
    assert r.json["code"] == "INVALID_CURSOR" and r.json["details"]["field"] == "query.cursor"


def test_an_altered_cursor_is_400(api: Any, parks: list[Any]) -> None:
    issued = api.get("/gateways?limit=1", role="park_admin").json["next_cursor"]
    payload, mac = issued.split(".")
    key = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    altered = _forged({**key, "id": parks[-1].gateway}) + "." + mac
    r = api.get(f"/gateways?cursor={altered}", role="park_admin")
    assert r.status_code == 400 and r.json["code"] == "INVALID_CURSOR"


def test_another_routes_cursor_is_400(api: Any, parks: list[Any]) -> None:
    issued = api.get("/enterprises?limit=1", role="park_admin").json["next_cursor"]
    assert api.get(f"/enterprises?cursor={issued}", role="park_admin").status_code == 200
    r = api.get(f"/gateways?cursor={issued}", role="park_admin")
    assert r.status_code == 400 and r.json["code"] == "INVALID_CURSOR"


def test_a_deployed_function_without_a_cursor_key_refuses_to_page(
    api: Any, parks: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.core import settings

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "chempark-api")
    settings.reset()
    try:
        r = api.get("/gateways?limit=1", role="park_admin")
    finally:
        monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME")
        settings.reset()
    assert r.status_code == 500 and r.json["code"] == "MISCONFIGURED"
