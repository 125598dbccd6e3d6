"""The resource catalogue: the one source infra/ (CDK) and local/ (moto) both provision from.

Tables are described by their PynamoDB models (listed in TABLE_MODELS); Lambda functions and their
triggers by the Chalice app itself; IoT rules by iot_rules/*.json (`rule_files`, named by `rule_name`);
workflows by stepfunctions/*.asl.json; everything else is declared here. IoT rules and workflows name
resources with `${kind.logical[.attr]}` placeholders (PLACEHOLDER) that local/ and infra/ resolve.
At run time code asks this module for names, URLs and ARNs, which infra and the local stack pass in
through the environment variables named here (read, like every setting, by core.settings).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.core.settings import MISCONFIGURED, get_settings

REPO = Path(__file__).resolve().parents[2]  # iot_rules/ and stepfunctions/ (read by local/ and infra/ only)
# `${kind.logical[.attr]}`: queue.<q>.url|arn, topic.<t>, table.<t>[.arn], bucket.<b>, function.<handler>,
# role.<r>, sm.<m>, stream.<s>.
PLACEHOLDER = re.compile(r"\$\{(\w+)\.([\w-]+)(?:\.(\w+))?\}")


def resource_name(logical: str) -> str:
    """Physical name of a resource: `<prefix>-<logical>` (tables, queues, topics, buckets, machines)."""
    return f"{get_settings().resource_prefix}-{logical}"


def _env(kind: str, logical: str, suffix: str) -> str:
    return f"CHEMPARK_{kind}_{logical.upper().replace('-', '_')}_{suffix}"


@dataclass(frozen=True)
class Queue:
    """Standard SQS queue with its dead-letter queue (redrive after `max_receive` receives)."""

    logical: str
    visibility_timeout_s: int = 60
    max_receive: int = 5
    retention_s: int = 4 * 24 * 3600

    @property
    def env(self) -> str:
        return _env("QUEUE", self.logical, "URL")

    @property
    def name(self) -> str:
        return resource_name(self.logical)

    @property
    def dlq_name(self) -> str:
        return resource_name(f"{self.logical}-dlq")


@dataclass(frozen=True)
class Topic:
    """SNS topic (KMS-encrypted in AWS); subscribers filter on message attributes."""

    logical: str
    display_name: str
    env = property(lambda self: _env("TOPIC", self.logical, "ARN"))
    name = property(lambda self: resource_name(self.logical))


@dataclass(frozen=True)
class Bucket:
    """S3 bucket (encrypted, versioned, public access blocked in AWS); `lock_days`: Object Lock (compliance);
    `signing_key`: with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) only infra/'s roles named may sign with."""

    logical: str
    expire_days: int | None = None
    lock_days: int | None = None
    signing_key: bool = False
    env = property(lambda self: _env("BUCKET", self.logical, "NAME"))
    key_env = property(lambda self: _env("KEY", self.logical, "ID"))


@dataclass(frozen=True)
class StateMachine:
    """Step Functions Standard workflow from stepfunctions/<asl>. Its `${kind.logical[.attr]}` placeholders
    name resources (function.<handler>, topic.<t>, table.<t>, queue.<q>...) that local/ and infra/ resolve."""

    logical: str
    asl: str

    @property
    def env(self) -> str:
        return _env("SM", self.logical, "ARN")

    @property
    def name(self) -> str:
        return resource_name(self.logical)


QUEUES: tuple[Queue, ...] = (
    # IoT rule (Basic Ingest) -> telemetry queue -> ingest Lambda, batches with partial failures.
    Queue("telemetry", visibility_timeout_s=60, max_receive=5),
    # IoT rule error action: messages the rule could not deliver, kept for replay.
    Queue("ingest-errors", visibility_timeout_s=60, max_receive=5, retention_s=14 * 24 * 3600),
    # IoT rule park/+/acks -> device command acknowledgements -> linkage Lambda (batches, partial failures).
    Queue("command-acks", visibility_timeout_s=60, max_receive=5),
)

TOPICS: tuple[Topic, ...] = (
    Topic("alarm-events", "园区报警事件"),
    Topic("notifications", "园区预警通知"),
    # The command console's big screen: incident highlight with source, zones and resources (5.4.3-7).
    Topic("screen-events", "指挥大屏事件"),
)

BUCKETS: tuple[Bucket, ...] = (
    Bucket("telemetry-archive", expire_days=400),
    Bucket("reports"),
    Bucket("audit-checkpoints", lock_days=7 * 365, signing_key=True),  # signed audit checkpoints (docs/audit.md)
    # Hidden-danger photos (隐患照片、整改照片), uploaded by presigned POST; kept with the danger's record.
    Bucket("evidence"),
    # Access records (出入记录, 5.3.1), one JSON-lines object per gate-event batch, kept three years: beyond the
    # access-events table's ≥ 400-day TTL, like the 24-month vehicle e-ledger comparator (docs/closed-park.md).
    Bucket("access-archive", expire_days=3 * 365),
)

STATE_MACHINES: tuple[StateMachine, ...] = (
    StateMachine("warning-verification", "warning_verification.asl.json"),
    StateMachine("change-approval", "change_approval.asl.json"),
    StateMachine("emergency-response", "emergency_response.asl.json"),
)


@dataclass(frozen=True)
class DeviceTopics:
    """What a gateway may do over MQTT, under `park/<its enterprise>/`: the one convention the AWS IoT policy
    (infra/devices.py) and the embedded broker's ACL (local/mqtt_auth.py) both enforce (docs/device-identity.md).

    A gateway is an IoT thing of type `<prefix>-<thing_type>` whose attribute `enterprise_attribute` names its
    enterprise; it connects with its certificate, as its thing name (client id), and may publish to
    `park/<enterprise>/<p>` for each `p` in `publish` (telemetry through Basic Ingest in AWS) and subscribe to,
    and receive, `park/<enterprise>/<subscribe>/<device>`. infra/devices.py refuses a rule whose device topic
    is not one of `publish`.
    """

    thing_type: str = "gateway"
    enterprise_attribute: str = "enterprise_id"
    publish: tuple[str, ...] = ("telemetry", "acks")
    subscribe: str = "commands"


# SNS mobile push apps `<prefix>-push-<platform>` (notify.mobile; infra/push.py): our platform name -> SNS's.
PUSH_APPS: dict[str, str] = {"apns": "APNS", "fcm": "GCM"}
DEVICE_TOPICS = DeviceTopics()


# PynamoDB models per context (in chalicelib.<context>.store), imported only by the provisioners and the infra
# tests; TABLE_MODELS names them as "module:Class".
_ACCESS_MODELS = ("GateModel", "ZoneAccessModel", "AppointmentModel", "ListEntryModel", "AccessEventModel")
_STORE_MODELS: dict[str, tuple[str, ...]] = {
    "audit": ("AuditRecordModel", "PendingEntryModel"),
    "registry": (
        "ParkModel",
        "EnterpriseModel",
        "ZoneModel",
        "InstallationModel",
        "SensorModel",
        "CameraModel",
        "GatewayModel",
    ),
    "telemetry": ("GatewaySnapshotModel", "QuarantineModel"),
    "alarms": ("TagStateModel", "AlarmModel", "AlarmEventModel", "AlarmKpiModel"),
    "notify": ("SmsLogModel", "FloodWindowModel", "DeviceModel", "PushPreferenceModel", "PushLogModel"),
    "risk": ("RiskModel", "SnapshotModel", "NoticeModel"),
    "changes": ("CIModel", "CIHistoryModel", "ChangeModel", "ChangeEventModel"),
    "duty": ("AssignmentModel", "HandoverModel"),
    "warnings": ("WarningModel", "WarningEventModel", "SlotModel"),
    "resources": ("ResourceModel", "ResourceHistoryModel", "ReminderModel"),
    "plans": ("PlanModel", "PlanVersionModel"),
    "linkage": ("ActuatorModel", "LinkageRuleModel", "CommandModel", "PositionModel", "EvacueeModel"),
    "incidents": ("IncidentModel", "LogModel", "InstructionModel"),
    "dangers": ("DangerModel", "DangerEventModel", "OrderModel", "OutboxModel"),
    "prevention": ("RiskUnitModel", "UnitPartModel", "CheckTaskModel", "CheckRecordModel"),
    "workpermits": ("PermitModel", "PermitEventModel", "GasAnalysisModel"),
    "onduty": ("PostModel", "RosterModel", "CheckInModel", "VacancyAlarmModel"),
    "patrol": ("RouteModel", "PlanModel", "TaskModel", "CheckinModel", "AnomalyModel"),
    "access": (*_ACCESS_MODELS, "PresenceModel"),
    "publicarea": ("PublicEventModel",),
    "vehicles": ("RouteModel", "LotModel", "ZoneLimitModel", "PositionModel", "TrackModel"),
}
TABLE_MODELS: tuple[str, ...] = tuple(f"chalicelib.{c}.store:{m}" for c, ms in _STORE_MODELS.items() for m in ms)


def table_models() -> list[Any]:
    """The PynamoDB model classes of TABLE_MODELS (imported here: the provisioners and the infra tests)."""
    models = []
    for path in TABLE_MODELS:
        module, _, name = path.partition(":")
        models.append(getattr(importlib.import_module(module), name))
    return models


def rule_files() -> list[Path]:
    """One JSON per IoT topic rule (SQL, actions, errorAction), in name order."""
    return sorted((REPO / "iot_rules").glob("*.json"))


def rule_name(path: Path) -> str:
    """IoT rule names allow only [a-zA-Z0-9_]: `<prefix>_<file stem>` with dashes as underscores."""
    return f"{resource_name(path.stem)}".replace("-", "_")


def _lookup(env: str) -> str:
    value = get_settings().resources.get(env)
    if not value:
        raise MISCONFIGURED(details={"env": env})
    return value


def queue(logical: str) -> Queue:
    return next(q for q in QUEUES if q.logical == logical)


def queue_url(logical: str) -> str:
    return _lookup(queue(logical).env)


def topic_arn(logical: str) -> str:
    return _lookup(next(t for t in TOPICS if t.logical == logical).env)


def bucket_name(logical: str) -> str:
    return _lookup(next(b for b in BUCKETS if b.logical == logical).env)


def signing_key_id(logical: str) -> str:
    return _lookup(next(b for b in BUCKETS if b.logical == logical).key_env)


def state_machine_arn(logical: str) -> str:
    return _lookup(next(m for m in STATE_MACHINES if m.logical == logical).env)


def push_app_arn(platform: str) -> str:
    """From the notifications topic's ARN (same partition, region, account): no variable in every function."""
    base = topic_arn("notifications").rsplit(":", 1)[0]
    return f"{base}:app/{PUSH_APPS[platform]}/{resource_name(f'push-{platform}')}"


def topic(logical: str) -> Topic:
    return next(t for t in TOPICS if t.logical == logical)
