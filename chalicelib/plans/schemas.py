"""Digital plan HTTP contracts: plan body, revision, retirement, filters, selection and version views."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, Loose, Schema, Strict

ID = ID_PATTERN


class AccidentType(StrEnum):
    LEAK = "leak"  # 泄漏
    FIRE = "fire"  # 火灾
    EXPLOSION = "explosion"  # 爆炸
    POISONING = "poisoning"  # 中毒
    OTHER = "other"  # 其他


class ResponseLevel(StrEnum):
    I = "I"  # noqa: E741 (Ⅰ级, the standard's name)
    II = "II"
    III = "III"
    IV = "IV"


class PlanTask(Strict):
    """One step of the response flow (任务清单), in the order of the list."""

    title: str = Field(min_length=1, max_length=80)
    responsible: str = Field(min_length=1, max_length=60, description="责任单位或岗位")
    due_minutes: int = Field(ge=0, le=10080, description="启动后多少分钟内完成")
    description: str = Field(default="", max_length=2000)


class PlanNotification(Strict):
    """Whom to call (通知名单) from `min_level` upwards."""

    name: str = Field(min_length=1, max_length=40)
    role: str = Field(min_length=1, max_length=60, description="单位或职务")
    phone: str = Field(pattern=PHONE_PATTERN)
    min_level: ResponseLevel = Field(default=ResponseLevel.IV, description="该级别及以上响应时通知")


class PlanSection(Strict):
    title: str = Field(min_length=1, max_length=80)
    body: str = Field(default="", max_length=20000)


PLAN_EXAMPLE: dict[str, Any] = {
    "name": "液氯储罐泄漏现场处置方案",
    "accident_types": ["leak", "poisoning"],
    "levels": ["III", "IV"],
    "enterprise_id": "ent_demo",
    "installation_ids": ["ins_demo"],
    "tasks": [
        {"title": "切断泄漏源", "responsible": "生产运行部", "due_minutes": 5},
        {"title": "疏散下风向人员", "responsible": "安全环保部", "due_minutes": 10},
    ],
    "notifications": [{"name": "李安全", "role": "安全总监", "phone": "13800000002", "min_level": "IV"}],
    "linkage_rules": ["leak_default"],
    "sections": [{"title": "应急处置措施", "body": "佩戴正压式空气呼吸器，启动碱液喷淋吸收。"}],
}


class PlanIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    accident_types: list[AccidentType] = Field(min_length=1, max_length=5)
    levels: list[ResponseLevel] = Field(min_length=1, max_length=4, description="适用响应级别")
    enterprise_id: str | None = Field(default=None, pattern=ID, description="所属企业；为空表示园区级预案")
    installation_ids: list[str] = Field(default_factory=list, max_length=50, description="限定的重大危险源单元")
    tasks: list[PlanTask] = Field(default_factory=list, max_length=200)
    notifications: list[PlanNotification] = Field(default_factory=list, max_length=200)
    linkage_rules: list[str] = Field(default_factory=list, max_length=50, description="启动时触发的联动规则名")
    sections: list[PlanSection] = Field(default_factory=list, max_length=50, description="预案文本章节")

    @field_validator("accident_types", "levels", "installation_ids", "linkage_rules")
    @classmethod
    def _unique(cls, value: list[Any]) -> list[Any]:
        return list(dict.fromkeys(value))

    @field_validator("linkage_rules")
    @classmethod
    def _rule_names(cls, value: list[str]) -> list[str]:
        for name in value:
            if not name or len(name) > 64 or not all(c.isalnum() or c in "_.-" for c in name):
                raise ValueError(f"invalid linkage rule name {name!r}")
        return value

    @model_validator(mode="after")
    def _installations_need_enterprise(self) -> PlanIn:
        if self.installation_ids and not self.enterprise_id:
            raise ValueError("installation_ids need enterprise_id")
        return self

    model_config = ConfigDict(json_schema_extra={"examples": [PLAN_EXAMPLE]})


class PlanRevisionIn(PlanIn):
    note: str = Field(min_length=1, max_length=500, description="修订说明")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **PLAN_EXAMPLE,
                    "levels": ["II", "III", "IV"],
                    "note": "年度评审：增加Ⅱ级响应",
                }
            ]
        }
    )


class RetireIn(Strict):
    reason: str = Field(min_length=1, max_length=500)

    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "装置拆除，预案废止"}]})


class PlanOut(Schema):
    model_config = ConfigDict(extra="ignore")
    plan_id: str
    version: int
    current_version: int
    is_current: bool
    status: Literal["active", "retired"]
    name: str
    accident_types: list[AccidentType]
    levels: list[ResponseLevel]
    enterprise_id: str | None
    owner: str = Field(description="park 或企业 id")
    installation_ids: list[str]
    tasks: list[Loose] = Field(description="有序任务清单，seq 从 1 开始")
    notifications: list[PlanNotification]
    linkage_rules: list[str]
    sections: list[PlanSection]
    note: str = Field(description="本版本的修订说明")
    revised_at: Instant
    revised_by: str
    created_at: Instant
    retired_at: Instant | None = None
    retired_reason: str | None = None


class SelectedPlanOut(PlanOut):
    specificity: Literal["installation", "enterprise", "park"]
    notify: list[PlanNotification] = Field(description="按所选响应级别需要通知的人员")


class VersionsOut(Schema):
    items: list[PlanOut]


class PlanFilter(PageQuery):
    accident_type: AccidentType | None = None
    level: ResponseLevel | None = None
    enterprise_id: str | None = None
    status: Literal["active", "retired", "all"] = "active"


class VersionQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(default=None, ge=1, description="历史版本号；不填为当前版本")


class SelectQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    accident_type: AccidentType | None = Field(default=None, description="事故类型；不填表示任意")
    level: ResponseLevel | None = Field(default=None, description="响应级别；不填表示任意")
    enterprise_id: str | None = None
    installation_id: str | None = None
