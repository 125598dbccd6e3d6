"""Public-area events (公共区域安全与环境风险监测, 5.1.3), pure: the kinds video analytics and sensors report, the
alarm priority of each by kind and confidence, the alarm condition it raises, its title, and the warning level
linkage rules compare with (docs/public-events.md)."""

from __future__ import annotations

from chalicelib.core.schemas import Priority

SOURCE = "public_area"  # the event alarms' source (alarms.EventAlarm)
KINDS = ("intrusion", "crowding", "dangerous_behaviour", "early_fire", "environment_exceedance", "other")
KIND_LABEL = {
    "intrusion": "异常入侵",
    "crowding": "人员车辆异常聚集",
    "dangerous_behaviour": "危险行为",
    "early_fire": "初期火灾",
    "environment_exceedance": "环境指标超标",
    "other": "公共区域异常事件",
}
# Priority of a detection at ordinary confidence. An early fire grows within minutes and threatens the plants
# around it: high. Intrusion, crowding, dangerous behaviour and an environmental exceedance call for a look
# by the duty officer: medium. Anything else: low.
BASE_PRIORITY = {
    "early_fire": Priority.HIGH,
    "intrusion": Priority.MEDIUM,
    "crowding": Priority.MEDIUM,
    "dangerous_behaviour": Priority.MEDIUM,
    "environment_exceedance": Priority.MEDIUM,
    "other": Priority.LOW,
}
CONFIDENT = 0.9  # at or above: one step up (the analytics is sure)
DOUBTFUL = 0.5  # below: one step down (likely a false positive; still recorded and shown)
# The warning colour a linkage rule's `min_level` is compared with, by the alarm's priority.
LEVEL = {Priority.LOW: "blue", Priority.MEDIUM: "yellow", Priority.HIGH: "orange", Priority.URGENT: "red"}
# Kinds a linkage rule can name (`event_type`); "other" triggers no linkage.
LINKED = frozenset(KINDS) - {"other"}
LOCATION_GRID = 3  # decimals of a location-only event's place in its condition key (about 100 m)


def priority(kind: str, confidence: float) -> Priority:
    """The alarm priority of a detection: its kind's, one step up when confident, one down when doubtful."""
    base = BASE_PRIORITY[kind]
    if confidence >= CONFIDENT:
        return base.escalated(1)
    if confidence < DOUBTFUL:
        return base.escalated(-1)
    return base


def condition_key(kind: str, camera_id: str | None, sensor_id: str | None, lat: float, lon: float) -> str:
    """The alarm condition an event raises: one open alarm per kind and camera (or sensor, or about 100 m of
    ground for an event from neither), so repeated detections update one alarm instead of flooding."""
    if camera_id:
        return f"{kind}:camera:{camera_id}"
    if sensor_id:
        return f"{kind}:sensor:{sensor_id}"
    return f"{kind}:at:{lat:.{LOCATION_GRID}f},{lon:.{LOCATION_GRID}f}"


def title(kind: str, where: str, confidence: float) -> str:
    """The alarm's one-line title (lists, SMS): what, where, how sure."""
    return f"{KIND_LABEL[kind]}：{where}（置信度{round(confidence * 100)}%）"
