"""API conventions seen by a client (docs/adr/0007-api-conventions.md): zh-CN validation messages naming the
field with pydantic's English type kept as the code, times ISO-8601 in and out, the /docs page without a CDN."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from chalicelib.core import messages
from chalicelib.core.schemas import Instant, IsoTime, Strict

HAN = re.compile(r"[\u4e00-\u9fff]")
ENTERPRISE = {"name": "示例化工", "location": {"lat": 31.95, "lon": 120.9}}


def _problems(r) -> dict[str, dict]:
    assert r.status_code == 422, r.json
    assert r.json["code"] == "VALIDATION_FAILED"
    return {e["field"]: e for e in r.json["details"]["errors"]}


def test_a_missing_field_and_a_long_string_come_out_in_chinese_naming_the_field(api):
    r = api.post("/enterprises", role="park_admin", json={"name": "长" * 81})
    got = _problems(r)
    assert got["body.location"] == {"field": "body.location", "message": "body.location：为必填项", "type": "missing"}
    assert got["body.name"]["message"] == "body.name：长度不能超过 80 个字符"
    assert got["body.name"]["type"] == "string_too_long"


def test_bounds_enums_and_unknown_fields_carry_their_ctx(api):
    body = {**ENTERPRISE, "location": {"lat": 91, "lon": 0}, "managers": [{"name": "张三", "phone": "x"}], "x": 1}
    got = _problems(api.post("/enterprises", role="park_admin", json=body))
    assert got["body.location.lat"]["message"] == "body.location.lat：应小于或等于 90"
    assert got["body.location.lat"]["type"] == "less_than_equal"
    assert got["body.managers.0.phone"]["type"] == "string_pattern_mismatch"
    assert got["body.managers.0.phone"]["message"].startswith("body.managers.0.phone：格式不正确")
    assert got["body.x"]["message"] == "body.x：不是允许的字段"
    low = _problems(api.get("/alarms?priority=huge", role="park_admin"))["query.priority"]
    assert low["type"] == "enum" and low["message"].startswith("query.priority：取值应为以下之一：")
    assert "'urgent'" in low["message"]


def test_a_time_without_offset_or_as_epoch_ms_is_refused_in_chinese(api):
    naive = _problems(api.get("/alarms?from=2026-12-03T08:00:00", role="park_admin"))["query.from"]
    assert (naive["type"], naive["message"]) == ("timezone_aware", "query.from：须带时区（如 +08:00 或 Z）")
    epoch = _problems(api.get("/alarms?from=1796284800000", role="park_admin"))["query.from"]
    assert epoch["type"] == "datetime_iso" and "不接受毫秒数" in epoch["message"]
    date = _problems(api.get("/alarms?from=2026-13-03", role="park_admin"))["query.from"]
    assert HAN.search(date["message"]) and date["field"] == "query.from"


def test_an_unknown_error_type_falls_back_to_chinese_plus_the_english_message():
    text = messages.zh({"type": "some_new_type", "msg": "Something new went wrong"})
    assert text == "取值无效（Something new went wrong）"
    assert messages.zh({"type": "greater_than_equal", "msg": "x", "ctx": {"ge": 0}}) == "应大于或等于 0"
    assert messages.zh({"type": "value_error", "msg": "Value error, 太早", "ctx": {"error": ValueError("太早")}}) == (
        "取值无效：太早"
    )


class _Out(Strict):
    at: Instant


class _In(Strict):
    at: IsoTime


def test_instants_read_the_stores_ms_and_write_iso_utc():
    assert _Out.model_validate({"at": 1796284800123}).model_dump(mode="json") == {"at": "2026-12-03T08:00:00.123Z"}
    shanghai = _Out.model_validate({"at": "2026-12-03T16:00:00+08:00"})
    assert shanghai.model_dump(mode="json") == {"at": "2026-12-03T08:00:00.000Z"}
    assert _In.model_validate({"at": "2026-12-03T16:00:00+08:00"}).at.utcoffset() is not None
    for bad in (1796284800000, "1796284800000", "2026-12-03T16:00:00"):
        with pytest.raises(ValidationError):
            _In.model_validate({"at": bad})


def _raw(api, path: str):
    return api.client.http.request("GET", path, headers={}, body=b"")


def test_the_docs_page_is_served_from_the_package_without_a_cdn(api):
    page = _raw(api, "/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    assert "openapi.json" in html and "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", html).replace("://", "")
    for asset in re.findall(r'(?:src|href)="docs/([^"]+)"', html):
        got = _raw(api, f"/docs/{asset}")
        assert got.status_code == 200 and len(got.body) > 10_000, asset
    assert "SwaggerUIBundle" in _raw(api, "/docs/swagger-ui-bundle.js").body.decode()
    assert _raw(api, "/docs/..%2Fsecrets").status_code == 404
    assert _raw(api, "/docs/index.html").status_code == 404
