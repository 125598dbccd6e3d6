"""GB/T 28181 device/channel ID validation (domain.md §6)."""

from __future__ import annotations

import pytest

from chalicelib.core import errors
from chalicelib.registry.gb28181 import parse_device_id


def test_factory_default_camera_id_decodes() -> None:
    device = parse_device_id("34020000001320000001")
    assert device.centre_code == "34020000"
    assert (device.province, device.city, device.district, device.grassroots) == ("34", "02", "00", "00")
    assert device.province_name == "安徽省"
    assert device.industry_code == "00"
    assert device.type_code == 132
    assert device.type_label == "网络摄像机(IPC)"
    assert device.type_category == "前端外围设备"
    assert device.network_code == "0"
    assert device.network_label == "监控报警专网"
    assert device.serial == "000001"
    assert device.is_camera is True
    assert device.is_recorder is False
    assert device.warnings == ()


def test_reference_vectors() -> None:
    platform = parse_device_id("42010000012005000001")
    assert (platform.type_code, platform.network_code) == (200, "5")
    assert platform.type_label == "中心信令控制服务器"
    assert platform.is_platform and not platform.is_camera
    ipc = parse_device_id("42010000011325000001")
    assert (ipc.type_code, ipc.network_label, ipc.is_camera) == (132, "公安信息网", True)
    assert ipc.province_name == "湖北省"


@pytest.mark.parametrize(
    ("type_code", "is_camera", "is_recorder"),
    [
        (131, True, False),
        (132, True, False),
        (111, False, True),
        (118, False, True),
        (130, False, True),
        (215, False, False),
        (134, False, False),
    ],
)
def test_type_code_flags(type_code: int, is_camera: bool, is_recorder: bool) -> None:
    # centre 32058342 (江苏), industry 42 (制造企业), type, network 0, serial 000123
    device = parse_device_id(f"3205834242{type_code}0000123")
    assert device.type_code == type_code
    assert device.is_camera is is_camera
    assert device.is_recorder is is_recorder
    assert device.industry_label == "制造企业"
    assert device.serial == "000123"
    assert device.province_name == "江苏省"


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse_device_id("  34020000001320000001\n").value == "34020000001320000001"


def test_extension_codes_are_accepted_with_a_category_label() -> None:
    assert parse_device_id("34020000001990000001").type_label == "前端外围设备（扩展）"
    assert parse_device_id("34020000006000000001").type_category == "扩展类型"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("3402000000132000001", "length"),
        ("340200000013200000011", "length"),
        ("", "length"),
        ("3402000000132000000A", "non_digit"),
        ("34020000-01320000001", "non_digit"),
        ("３４０２００００００１３２００００００１", "non_digit"),
        ("34020000 01320000001", "non_digit"),
        ("34020000000000000001", "unknown_type"),
        ("34020000001100000001", "unknown_type"),
    ],
)
def test_invalid_ids_are_rejected_with_the_reason(value: str, reason: str) -> None:
    with pytest.raises(errors.AppError) as caught:
        parse_device_id(value, field="body.id")
    assert caught.value.code == "INVALID_GB28181_ID"
    assert caught.value.status == 422
    assert caught.value.details["reason"] == reason
    assert caught.value.details["field"] == "body.id"
    assert caught.value.details["value"] == value


def test_non_string_is_rejected() -> None:
    with pytest.raises(errors.AppError) as caught:
        parse_device_id(34020000001320000001)  # type: ignore[arg-type]
    assert caught.value.details["reason"] == "not_string"


def test_unusual_parts_only_warn() -> None:
    device = parse_device_id("99000012001329000001")
    assert device.is_camera
    assert device.province_name is None
    assert len(device.warnings) == 3  # unknown province, level gap in the centre code, reserved network 9
    assert any("GB/T 2260" in w for w in device.warnings)
    assert any("层级不连续" in w for w in device.warnings)
    assert any("预留" in w for w in device.warnings)
