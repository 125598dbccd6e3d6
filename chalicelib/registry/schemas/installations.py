"""Registry contracts of major hazard installations: inventory, 包保责任人 and the GB 18218 grading they carry."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from chalicelib.core.schemas import PHONE_PATTERN, Instant, Location, Schema, Strict
from chalicelib.registry.schemas.park import ID, EnterpriseFilter


class UnitType(StrEnum):
    STORAGE = "storage"  # 储存单元
    PRODUCTION = "production"  # 生产单元


class InstallationStatus(StrEnum):
    OPERATING = "operating"  # 运行
    MAINTENANCE = "maintenance"  # 检修：报警按设计抑制 (Suppressed)
    DECOMMISSIONED = "decommissioned"  # 停用


class InventoryLineIn(Strict):
    chemical: str | None = Field(default=None, max_length=60, description="化学品名称（表1名称或别名）")
    cas: str | None = Field(default=None, pattern=r"^\d{2,7}-\d{2}-\d$", description="CAS 号")
    quantity_t: float = Field(gt=0, le=1_000_000, description="设计最大量 q (t)")
    hazard_class: str | None = Field(default=None, max_length=40, description="表2/表4 危险性类别，如 W2、J3")

    @model_validator(mode="after")
    def _named(self) -> InventoryLineIn:
        if not (self.chemical or self.cas or self.hazard_class):
            raise ValueError("chemical, cas or hazard_class is required")
        return self


class ResponsiblePerson(Strict):
    """重大危险源包保责任人 (主要负责人 / 技术负责人 / 操作负责人)."""

    duty: Literal["主要负责人", "技术负责人", "操作负责人"]
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN)


class InstallationIn(Strict):
    enterprise_id: str = Field(pattern=ID)
    name: str = Field(min_length=1, max_length=80)
    unit_type: UnitType
    exposed_people: int = Field(ge=0, le=1_000_000, description="厂界外 500 m 内常住人口")
    location: Location
    zone_id: str | None = None
    status: InstallationStatus = InstallationStatus.OPERATING
    inventory: list[InventoryLineIn] = Field(min_length=1, max_length=100)
    responsible: list[ResponsiblePerson] = Field(default_factory=list)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "name": "液氯储罐区",
                    "unit_type": "storage",
                    "exposed_people": 60,
                    "location": {"lat": 31.9512, "lon": 120.9051},
                    "inventory": [{"chemical": "氯", "quantity_t": 20}, {"chemical": "氨", "quantity_t": 50}],
                }
            ]
        }
    )


class InventoryLineOut(Schema):
    chemical: str
    cas: str | None
    quantity_t: float
    hazard_class: str | None
    q_t: float = Field(description="临界量 Q (t)")
    q_source: str
    beta: float
    beta_source: str
    ratio: float = Field(description="q/Q")


class InstallationOut(Schema):
    id: str
    enterprise_id: str
    name: str
    unit_type: UnitType
    exposed_people: int
    location: Location
    zone_id: str | None
    status: InstallationStatus
    inventory: list[InventoryLineOut]
    responsible: list[ResponsiblePerson]
    s_value: float = Field(description="S = Σ q/Q")
    r_value: float = Field(description="R = α Σ β q/Q")
    alpha: float
    alpha_source: str
    major_hazard: bool
    grade: int | None = Field(description="1=一级 … 4=四级；非重大危险源为 null")
    created_at: Instant
    updated_at: Instant


class InstallationFilter(EnterpriseFilter):
    grade: int | None = Field(default=None, ge=1, le=4)
