"""The enterprise risk profile's weights (docs/risk.md gives the reason for each number) and the zh-CN names of
what it counts."""

from __future__ import annotations

# Points per item and the cap of each contribution (docs/risk.md explains each number).
GRADE_POINTS = {1: 12, 2: 8, 3: 4, 4: 2}  # GB 18218 一级..四级 major hazard installation
ALARM_POINTS = {"urgent": 8, "high": 5, "medium": 3, "low": 1}  # an open alarm whose condition is present
DANGER_POINTS = {"general": 2, "major": 10, "overdue": 4}  # open dangers; overdue ones add on top
ORDER_POINTS = {"open": 2, "escalated": 4}  # 督办 orders not closed; escalated to the park add on top
MISSED_POINTS = 3  # a check missed within the window (prevention)
WORK_POINTS = {  # special work under way, by GB 30871 type; 特级 hot work counts as its own line
    "hot_work": 5,
    "confined_space": 5,
    "blind_plate": 3,
    "lifting": 3,
    "work_at_height": 2,
    "excavation": 2,
    "temporary_power": 1,
    "road_closure": 1,
}
SPECIAL_HOT_WORK_POINTS = 8
VACANCY_POINTS = 10  # a key post vacant during its shift (在岗在位)
CAPS = {
    "major_hazards": 20,
    "alarms": 20,
    "dangers": 25,
    "supervision": 15,
    "missed_checks": 15,
    "special_work": 15,
    "key_posts": 20,
}
MAX_SCORE = 100

GRADE_LABEL = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
PRIORITY_LABEL = {"urgent": "紧急", "high": "高", "medium": "中", "low": "低"}
WORK_LABEL = {
    "hot_work": "动火作业",
    "confined_space": "受限空间作业",
    "blind_plate": "盲板抽堵作业",
    "work_at_height": "高处作业",
    "lifting": "吊装作业",
    "temporary_power": "临时用电作业",
    "excavation": "动土作业",
    "road_closure": "断路作业",
}
TITLES = {
    "major_hazards": "重大危险源",
    "alarms": "未关闭报警",
    "dangers": "隐患排查治理",
    "supervision": "督办单",
    "missed_checks": "隐患排查漏检",
    "special_work": "特殊作业",
    "key_posts": "关键岗位在岗在位",
    "floor": "等级下限",
}
