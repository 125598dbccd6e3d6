"""Hidden-danger HTTP contracts: registration, 治理方案, submission, acceptance, photos, 督办 orders, filters."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.core import photos
from chalicelib.core.ids import ID_PATTERN
from chalicelib.core.pagination import PageQuery
from chalicelib.core.schemas import PHONE_PATTERN, Instant, IsoTime, Location, Loose, Schema, Stored, Strict
from chalicelib.dangers.domain import Category, Handling, Level, Source, State

PHOTO_KEY = photos.key_pattern(*photos.FINDINGS)
PhotoKey = Annotated[str, Field(pattern=PHOTO_KEY)]
PHOTOS: Any = Field(default_factory=list, max_length=9, description="照片对象键（经 POST /hidden-dangers/photos 上传）")


class Person(Strict):
    name: str = Field(min_length=1, max_length=40)
    phone: str = Field(pattern=PHONE_PATTERN, description="手机号：督办通知以短信发送")


class DangerIn(Strict):
    """登记隐患（排查记录、巡检、检查人员或举报）."""

    enterprise_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=2, max_length=120, description="隐患名称 dangerName")
    level: Level = Field(default=Level.GENERAL, description="一般/重大；勾选 121号 任一情形即为重大")
    source: Source = Field(description="隐患来源 dangerSrc（十类）；patrol：电子巡查发现（报送为日常排查）")
    category: Category = Field(description="隐患类别 hazardDangerType：安全/工艺/电气/仪表/消防/总图/设备/其他")
    description: str = Field(min_length=1, max_length=2000, description="隐患描述 dangerDesc")
    location: Location | None = None
    place: str = Field(default="", max_length=120, description="位置描述，如 罐区 T-101 东侧")
    risk_unit_id: str | None = Field(default=None, pattern=ID_PATTERN, description="风险分析单元 hazardCode")
    check_record_id: str | None = Field(default=None, max_length=120, description="排查记录 checkRecordId")
    major_criteria: list[Annotated[int, Field(ge=1, le=20)]] = Field(
        default_factory=list, max_length=20, description="安监总管三〔2017〕121号 判定情形（1-20）"
    )
    handling: Handling = Field(description="即查即改 immediate / 限期整改 deadline")
    deadline: IsoTime | None = Field(default=None, description="整改期限（限期整改必填）")
    liable_person: Person = Field(description="整改责任人 liablePerson")
    photos: list[PhotoKey] = PHOTOS

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enterprise_id": "ent_demo",
                    "title": "液氯储罐区可燃有毒气体探测器缺失",
                    "level": "general",
                    "source": "routine",
                    "category": "instrument",
                    "description": "T-101 东侧未设置有毒气体探测器",
                    "major_criteria": [12],
                    "handling": "deadline",
                    "deadline": "2030-01-31T18:00:00+08:00",
                    "liable_person": {"name": "王工", "phone": "13599990001"},
                }
            ]
        }
    )


class PlanIn(Strict):
    """治理方案：重大隐患须包含目标任务、经费物资、机构人员、安全措施和应急预案（16号令）."""

    measures: str = Field(min_length=1, max_length=2000, description="采取的方法和措施")
    responsible: str = Field(min_length=1, max_length=80, description="负责人")
    deadline: IsoTime = Field(description="治理时限")
    cost: float | None = Field(default=None, ge=0, le=1e10, description="治理费用（元）")
    goal: str | None = Field(default=None, max_length=1000, description="治理的目标和任务")
    funds: str | None = Field(default=None, max_length=1000, description="经费和物资的落实")
    organisation: str | None = Field(default=None, max_length=1000, description="负责治理的机构和人员")
    safety_measures: str | None = Field(default=None, max_length=2000, description="安全措施和应急预案")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "measures": "增设 2 台有毒气体探测器并接入 GDS",
                    "responsible": "王工",
                    "deadline": "2030-01-31T18:00:00+08:00",
                    "cost": 36000,
                    "goal": "罐区有毒气体检测全覆盖",
                    "funds": "企业安全生产费用列支",
                    "organisation": "设备部仪表班",
                    "safety_measures": "整改期间加密巡检，配备便携式检测仪",
                }
            ]
        }
    )


class CriteriaIn(Strict):
    """补充判定 121号 情形：隐患即升级为重大隐患（挂牌督办并报送监管平台）."""

    major_criteria: list[Annotated[int, Field(ge=1, le=20)]] = Field(min_length=1, max_length=20)
    deadline: IsoTime | None = Field(default=None, description="整改期限（即查即改的隐患升级时必填）")

    model_config = ConfigDict(json_schema_extra={"examples": [{"major_criteria": [15]}]})


class SubmitIn(Strict):
    summary: str = Field(min_length=1, max_length=2000, description="整改情况")
    photos: list[PhotoKey] = PHOTOS

    model_config = ConfigDict(json_schema_extra={"examples": [{"summary": "已安装 2 台探测器并完成标定"}]})


class DecisionIn(Strict):
    comment: str = Field(min_length=1, max_length=1000, description="验收意见 checkAcceptComment")

    model_config = ConfigDict(json_schema_extra={"examples": [{"comment": "现场核查，探测器报警联动正常"}]})


class DangerFilter(PageQuery):
    enterprise_id: str | None = None
    state: State | None = None
    level: Level | None = None
    overdue: bool | None = Field(default=None, description="true：仅逾期未销号的")


class DangerOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    enterprise_id: str
    title: str
    level: Level
    state: State
    handling: Handling
    deadline_at: Instant | None
    overdue: bool
    created_at: Instant
    updated_at: Instant


class DangerDetail(Schema):
    danger: DangerOut
    history: list[Loose]
    orders: list[Loose]
    photo_urls: dict[str, str] = Field(description="照片的临时下载地址")


class RespondIn(Strict):
    progress: str = Field(min_length=1, max_length=2000, description="整改进展反馈")
    expected_completion: IsoTime | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{"progress": "探测器已到货，预计 3 日内安装完成"}]})


class OrderFilter(PageQuery):
    enterprise_id: str | None = None
    state: Literal["open", "responded", "closed"] | None = None
    escalated: bool | None = None


class OrderOut(Stored):
    model_config = ConfigDict(extra="allow")
    id: str
    danger_id: str
    enterprise_id: str
    reason: Literal["major", "overdue"]
    state: Literal["open", "responded", "closed"]
    escalated: bool
    respond_by_at: Instant
    created_at: Instant
