"""Registry contracts of the park and its tenants: park, enterprises, zones, and the id pattern they share."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import Contact, Instant, Location, Strict

ID = ID_PATTERN


class ParkIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    location: Location
    managers: list[Contact] = Field(default_factory=list, description="园区指定管理人员（报警短信）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "示例化工园区",
                    "location": {"lat": 31.95, "lon": 120.9},
                    "managers": [
                        {"name": "王值班", "phone": "13800000001", "title": "园区安全处", "min_priority": "high"}
                    ],
                }
            ]
        }
    )


class ParkOut(ParkIn):
    model_config = ConfigDict(extra="ignore")
    updated_at: Instant | None = None


class EnterpriseIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    credit_code: str = Field(default="", pattern=r"^([0-9A-HJ-NPQRTUWXY]{18})?$", description="统一社会信用代码")
    address: str = Field(default="", max_length=200)
    location: Location
    managers: list[Contact] = Field(default_factory=list, description="企业指定管理人员（报警短信）")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "示例氯碱化工有限公司",
                    "credit_code": "91320000MA1XXXXX0X",
                    "address": "园区纬一路1号",
                    "location": {"lat": 31.951, "lon": 120.905},
                    "managers": [
                        {"name": "李安全", "phone": "13800000002", "title": "安全总监", "min_priority": "medium"}
                    ],
                }
            ]
        }
    )


class EnterpriseOut(EnterpriseIn):
    model_config = ConfigDict(extra="ignore")
    id: str
    created_at: Instant
    updated_at: Instant


class ZoneIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    enterprise_id: str | None = Field(default=None, description="所属企业；为空表示园区公共区域")
    center: Location
    radius_m: float = Field(gt=0, le=5000)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "罐区A",
                    "enterprise_id": "ent_demo",
                    "center": {"lat": 31.951, "lon": 120.905},
                    "radius_m": 120,
                }
            ]
        }
    )


class ZoneOut(ZoneIn):
    model_config = ConfigDict(extra="ignore")
    id: str


class EnterpriseFilter(PageQuery):
    enterprise_id: str | None = None
