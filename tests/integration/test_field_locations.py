"""Domain rules name fields as the input does; the HTTP layer adds where the input came from (body/query).

The same rule answers `items.0.ci_id` to a service caller and `body.items.0.ci_id` to an API client; the
message names the located field too.
"""

from __future__ import annotations

from chalicelib.core import errors
from chalicelib.core.pagination import PageQuery
from chalicelib.core.responses import locator
from chalicelib.core.schemas import Strict

DAY = {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"}
NIGHT = {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00"}


class _Body(Strict):
    items: list[int]


class _Query(PageQuery):
    quarter: str | None = None


def test_a_field_is_located_in_the_model_that_declares_it():
    where = locator(_Body, _Query)
    assert where("items.0") == "body.items.0"
    assert where("quarter") == "query.quarter"
    assert where("cursor") == "query.cursor"
    assert where("query.to") == "query.to"  # already located: kept
    assert where("elsewhere") == "body.elsewhere"  # undeclared: the body of a route that has one
    assert locator(None, _Query)("elsewhere") == "query.elsewhere"
    assert locator(None, None)("elsewhere") == "elsewhere"


def test_located_rewrites_details_and_the_message_only_for_whole_paths():
    err = errors.invalid([errors.field_error("items.0", "x"), errors.field_error("items.0.name", "y")])
    got = err.located(lambda f: f"body.{f}")
    assert got.message == "请求参数校验失败：body.items.0"
    assert [e["field"] for e in got.details["errors"]] == ["body.items.0", "body.items.0.name"]
    assert err.details["errors"][0]["field"] == "items.0"  # the original is untouched
    single = errors.NOT_FOUND("无：plan_id", details={"field": "plan_id"}).located(lambda f: f"query.{f}")
    assert single.details["field"] == "query.plan_id" and single.message == "无：query.plan_id"


def test_a_domain_rule_on_the_query_names_query(api):
    r = api.get("/cmdb/audit?quarter=2026Q5", role="park_admin")
    assert r.status_code == 422, r.json
    assert r.json["details"]["errors"][0]["field"] == "query.quarter"
    assert r.json["message"] == "请求参数校验失败：query.quarter"


def test_a_domain_rule_on_the_body_names_body(api):
    overlap = api.put("/duty/roster", role="park_admin", json={"shifts": [DAY, {**NIGHT, "start": "19:00"}]})
    assert overlap.status_code == 422 and overlap.json["code"] == "INVALID_ROSTER"
    assert overlap.json["details"]["field"] == "body.shifts"


def test_the_plume_rules_name_body_fields_too(api):
    """Before: the plume's own checks answered bare names (`wind_speed_m_s`) where the schema's said `body.`."""
    calm = {
        "chemical": "氯",
        "release_rate_kg_s": 1.0,
        "wind_speed_m_s": 0.3,
        "wind_from_deg": 90,
        "stability_class": "D",
        "source": {"lat": 31.95, "lon": 120.9},
    }
    r = api.post("/emergency/impact-estimate", role="commander", json=calm)
    assert r.status_code == 422 and r.json["code"] == "PLUME_CALM_WIND", r.json
    assert r.json["details"]["field"] == "body.wind_speed_m_s"
    assert r.json["details"]["errors"][0]["field"] == "body.wind_speed_m_s"
    assert "body.wind_speed_m_s" in r.json["message"]
