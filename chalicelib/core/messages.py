"""zh-CN texts of pydantic's validation errors, keyed on the error type (its stable English code) and its ctx.

A 422 names each field at fault as `{"field", "message", "type"}`: `type` stays pydantic's English code for
programs, `message` is for people and is Chinese. A type missing here still gets a Chinese message, followed by
pydantic's English one so nothing is lost (docs/adr/0007-api-conventions.md).
"""

from __future__ import annotations

from typing import Any

_TEXTS: dict[str, str] = {
    "missing": "为必填项",
    "extra_forbidden": "不是允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确（应匹配 {pattern}）",
    "string_unicode": "应为合法的 Unicode 字符串",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多允许 {max_length} 项",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限数值",
    "number_unstorable": "数值超出可存储范围（整数不超过 38 位；小数应为 0 或绝对值介于 1e-130 与 1e125 之间）",
    "bool_type": "应为布尔值 true 或 false",
    "bool_parsing": "应为布尔值 true 或 false",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应大于或等于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应小于或等于 {le}",
    "multiple_of": "应为 {multiple_of} 的整数倍",
    "decimal_max_digits": "总位数不能超过 {max_digits} 位",
    "decimal_max_places": "小数位数不能超过 {decimal_places} 位",
    "enum": "取值应为以下之一：{expected}",
    "literal_error": "取值应为以下之一：{expected}",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "set_type": "应为数组",
    "json_invalid": "不是合法的 JSON",
    "json_type": "应为 JSON 字符串",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不能带时间",
    "date_future": "应为将来的日期",
    "date_past": "应为过去的日期",
    "datetime_type": "应为 ISO-8601 时间（带时区，如 2026-12-03T09:30:00+08:00）",
    "datetime_parsing": "应为 ISO-8601 时间（带时区，如 2026-12-03T09:30:00+08:00）",
    "datetime_from_date_parsing": "应为 ISO-8601 时间（带时区，如 2026-12-03T09:30:00+08:00）",
    "datetime_object_invalid": "不是有效的时间",
    "datetime_iso": "应为 ISO-8601 时间（带时区，如 2026-12-03T09:30:00+08:00），不接受毫秒数",
    "timezone_aware": "须带时区（如 +08:00 或 Z）",
    "timezone_naive": "不能带时区",
    "datetime_future": "应为将来的时间",
    "datetime_past": "应为过去的时间",
    "time_type": "应为时刻（HH:MM）",
    "time_parsing": "应为时刻（HH:MM）",
    "time_delta_type": "应为时长",
    "time_delta_parsing": "应为时长",
    "url_type": "应为网址",
    "url_parsing": "不是合法的网址",
    "url_scheme": "网址协议应为 {expected_schemes}",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "不是合法的 UUID",
    "value_error": "取值无效：{error}",
    "assertion_error": "取值无效：{error}",
    "union_tag_invalid": "类型标识 {tag} 无效，应为 {expected_tags}",
    "union_tag_not_found": "缺少类型标识字段 {discriminator}",
    "bytes_too_long": "不能超过 {max_length} 字节",
    "bytes_too_short": "不能少于 {min_length} 字节",
    "frozen_field": "不可修改",
    "frozen_instance": "不可修改",
    "is_instance_of": "类型不正确",
    "none_required": "应为空（null）",
}
_GENERIC = "取值无效"


def _ctx(ctx: dict[str, Any] | None) -> dict[str, Any]:
    """ctx values as they read in a sentence: a ValueError by its text (a validator's own, often Chinese), a
    bound of 90.0 as 90 (as pydantic's English message writes it)."""
    out: dict[str, Any] = {}
    for key, value in (ctx or {}).items():
        if isinstance(value, float) and value.is_integer():
            out[key] = int(value)
        else:
            out[key] = str(value) if isinstance(value, Exception) else value
    return out


def zh(error: dict[str, Any]) -> str:
    """The Chinese text of one pydantic error (`ValidationError.errors()` item), without the field."""
    kind, english = str(error.get("type", "")), str(error.get("msg", ""))
    template = _TEXTS.get(kind)
    if template is None:
        return f"{_GENERIC}（{english}）" if english else _GENERIC
    try:
        return template.format(**_ctx(error.get("ctx")))
    except (KeyError, IndexError, ValueError):  # a ctx without the key the template names
        return f"{_GENERIC}（{english}）"


def field_message(field: str, error: dict[str, Any]) -> str:
    """The message of one error entry, naming the field: `body.name：长度不能超过 40 个字符`."""
    return f"{field}：{zh(error)}"
