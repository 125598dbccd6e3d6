"""CMDB rules (配置管理数据库, 6.2.4-1/3/4): CI kinds, attribute values, declared vs observed, quarters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from chalicelib.core import errors


class CIKind(StrEnum):
    """What 6.2.4-1 asks the CMDB to cover."""

    HARDWARE_ASSET = "hardware_asset"  # 硬件资产
    SOFTWARE_VERSION = "software_version"  # 软件版本
    NETWORK_PARAMETER = "network_parameter"  # 网络配置参数
    KEY_SETTING = "key_setting"  # 系统关键设置


KIND_LABEL = {
    "hardware_asset": "硬件资产",
    "software_version": "软件版本",
    "network_parameter": "网络配置参数",
    "key_setting": "系统关键设置",
}
ATTRIBUTE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$")
QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


def check_attributes(attributes: Mapping[str, Any], field: str) -> list[dict[str, str]]:
    """Attribute names are short identifiers; values are JSON scalars (null only in proposals: remove)."""
    problems = []
    for key, value in attributes.items():
        if not ATTRIBUTE_KEY.match(key):
            problems.append(errors.field_error(f"{field}.{key}", "属性名只能包含字母、数字和 _ . : / -（最长 64）"))
        elif isinstance(value, str) and len(value) > 500:
            problems.append(errors.field_error(f"{field}.{key}", "属性值最长 500 个字符"))
    return problems


def canonical(value: Any) -> str:
    """Compare values as discovery reports them: 8080 == "8080", 1.0 == 1, surrounding spaces ignored."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value).strip()


def same(a: Any, b: Any) -> bool:
    return canonical(a) == canonical(b)


def planned(declared: Mapping[str, Any], proposed: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) for the attributes a proposal really changes; None means the attribute is removed."""
    before, after = {}, {}
    for key, value in proposed.items():
        old = declared.get(key)
        if (value is None and key not in declared) or (value is not None and key in declared and same(old, value)):
            continue
        before[key], after[key] = old, value
    return before, after


def apply(declared: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The new declared configuration once a change is completed."""
    new = dict(declared)
    for key, value in after.items():
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    return new


@dataclass(frozen=True)
class Difference:
    """One deviation between the record and the running environment (配置偏差)."""

    attribute: str
    kind: str  # mismatch 值不一致 | unobserved 已登记未观测 | undeclared 观测到但未登记
    declared: Any
    observed: Any


def diff(declared: Mapping[str, Any], observed: Mapping[str, Any]) -> list[Difference]:
    """Declared (approved) against observed values, attribute by attribute, sorted by name."""
    out = []
    for key in sorted(set(declared) | set(observed)):
        if key not in observed:
            out.append(Difference(key, "unobserved", declared[key], None))
        elif key not in declared:
            out.append(Difference(key, "undeclared", None, observed[key]))
        elif not same(declared[key], observed[key]):
            out.append(Difference(key, "mismatch", declared[key], observed[key]))
    return out


@dataclass(frozen=True)
class Quarter:
    label: str
    start_ms: int  # inclusive
    end_ms: int  # exclusive


def zone(utc_offset_h: int) -> timezone:
    return timezone(timedelta(hours=utc_offset_h))


MIN_YEAR, MAX_YEAR = 1970, 9998


def parse_quarter(text: str, utc_offset_h: int) -> Quarter:
    """`2026Q4` as the calendar quarter in park local time (quarterly audit, 6.2.4-4)."""
    match = QUARTER.match(text.strip())
    if not match:
        raise errors.invalid_field("quarter", "季度格式应为 YYYYQn，例如 2026Q4")
    year, q = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:  # datetime has no year 0, and 9999Q4 would end in year 10000
        raise errors.invalid_field("quarter", f"季度年份应在 {MIN_YEAR}-{MAX_YEAR} 之间")
    tz = zone(utc_offset_h)
    start = datetime(year, 3 * q - 2, 1, tzinfo=tz)
    end = datetime(year + 1, 1, 1, tzinfo=tz) if q == 4 else datetime(year, 3 * q + 1, 1, tzinfo=tz)
    return Quarter(f"{year}Q{q}", round(start.timestamp() * 1000), round(end.timestamp() * 1000))


def quarter_of(ms: int, utc_offset_h: int) -> str:
    local = datetime.fromtimestamp(ms / 1000, UTC).astimezone(zone(utc_offset_h))
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"
