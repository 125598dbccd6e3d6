"""Public-area event rules (pure, no AWS): priority by kind and confidence, the alarm condition, the title."""

from __future__ import annotations

import pytest

from chalicelib.core.schemas import Priority
from chalicelib.linkage import domain as linkage_rules
from chalicelib.publicarea import domain


@pytest.mark.parametrize(
    ("kind", "confidence", "priority"),
    [
        ("early_fire", 0.5, Priority.HIGH),
        ("early_fire", 0.9, Priority.URGENT),
        ("early_fire", 0.49, Priority.MEDIUM),
        ("intrusion", 0.89, Priority.MEDIUM),
        ("environment_exceedance", 1.0, Priority.HIGH),
        ("other", 0.0, Priority.LOW),  # never below low
        ("other", 0.95, Priority.MEDIUM),
    ],
)
def test_priority_by_kind_and_confidence(kind, confidence, priority):
    assert domain.priority(kind, confidence) is priority


def test_every_kind_has_a_label_a_priority_and_all_but_other_a_linkage_type():
    assert set(domain.KIND_LABEL) == set(domain.BASE_PRIORITY) == set(domain.KINDS)
    assert set(domain.KINDS) - {"other"} == domain.LINKED == set(linkage_rules.PUBLIC_EVENT_TYPES)


def test_one_condition_per_kind_and_camera_sensor_or_100_m():
    assert domain.condition_key("intrusion", "cam1", None, 31.0, 120.0) == "intrusion:camera:cam1"
    assert domain.condition_key("intrusion", None, "s1", 31.0, 120.0) == "intrusion:sensor:s1"
    near = domain.condition_key("crowding", None, None, 31.95012, 120.90049)
    assert near == domain.condition_key("crowding", None, None, 31.95038, 120.90011) == "crowding:at:31.950,120.900"
    assert near != domain.condition_key("crowding", None, None, 31.9512, 120.9)


def test_the_title_says_what_where_and_how_sure():
    assert domain.title("early_fire", "西区球机", 0.934) == "初期火灾：西区球机（置信度93%）"
