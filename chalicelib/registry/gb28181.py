"""GB/T 28181 device/channel ID (设备编码): 中心编码8 + 行业编码2 + 类型编码3 + 网络标识1 + 序号6 digits."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import errors

INVALID_GB28181_ID = errors.define(
    "INVALID_GB28181_ID",
    422,
    "GB/T 28181 设备编码无效",
    "Not 20 ASCII digits, or positions 11-13 are not a GB/T 28181 type code; details.reason says which.",
)

# Positions 11-13 (reference/domain.md §6, after WVP DeviceTypeEnum and the 2022 additions).
TYPE_LABELS: dict[int, str] = {
    111: "数字视频录像机(DVR)",
    112: "视频服务器",
    113: "编码器",
    114: "解码器",
    115: "视频切换矩阵",
    116: "音频切换矩阵",
    117: "报警控制器",
    118: "网络视频录像机(NVR)",
    120: "在线视频图像信息采集系统",
    121: "视频卡口",
    122: "多目设备",
    123: "停车场出入口控制设备",
    124: "人员出入口控制设备",
    125: "安检设备",
    130: "混合硬盘录像机(HVR)",
    131: "摄像机",
    132: "网络摄像机(IPC)",
    133: "显示器",
    134: "报警输入设备",
    135: "报警输出设备",
    136: "语音输入设备",
    137: "语音输出设备",
    138: "移动传输设备",
    139: "其他外围设备",
    140: "继电器或触发控制输出设备",
    141: "道闸",
    142: "智能门",
    143: "凭证识别单元",
    200: "中心信令控制服务器",
    201: "Web应用服务器",
    202: "媒体分发服务器",
    203: "代理服务器",
    204: "安全服务器",
    205: "报警服务器",
    206: "数据库服务器",
    207: "GIS服务器",
    208: "管理服务器",
    209: "接入网关",
    210: "媒体存储服务器",
    211: "信令安全路由网关",
    215: "业务分组",
    216: "虚拟组织",
    300: "中心用户",
    500: "视频图像应用平台",
    501: "运维管理平台",
    502: "视频分析系统",
    503: "视频图像数据库",
    505: "视频分析设备",
}
# (first, last, category label); codes below 111 are unassigned and rejected.
TYPE_RANGES: tuple[tuple[int, int, str], ...] = (
    (111, 130, "前端主设备"),
    (131, 199, "前端外围设备"),
    (200, 299, "平台设备"),
    (300, 399, "中心用户"),
    (400, 499, "终端用户"),
    (500, 599, "外部平台服务器"),
    (600, 999, "扩展类型"),
)
CAMERA_TYPES = frozenset({131, 132})
RECORDER_TYPES = frozenset({111, 118, 130})

NETWORK_LABELS: dict[str, str] = {
    **dict.fromkeys("01234", "监控报警专网"),
    "5": "公安信息网",
    "6": "政务网",
    "7": "Internet",
    "8": "社会资源接入网",
    "9": "预留",
}
# Positions 9-10: only a partial list is known [P]; an unknown industry code is not an error.
INDUSTRY_LABELS: dict[str, str] = {
    "00": "社会治安路面接入",
    "01": "社会治安社区接入",
    "02": "社会治安内部接入",
    "08": "城市管理",
    "09": "卫生环保",
    "10": "商检海关",
    "11": "教育部门",
    "40": "农林牧渔业",
    "41": "采矿企业",
    "42": "制造企业",
    "43": "冶金",
    "44": "电力",
    "45": "燃气",
    "46": "建筑",
    "47": "物流",
    "48": "邮政",
    "49": "信息",
    "50": "住宿餐饮",
    "51": "金融",
    "52": "房地产",
    "53": "商务服务",
    "54": "水利",
    "55": "娱乐",
    "80": "居民自建",
    "99": "其他主体",
}
# GB/T 2260 province-level codes: positions 1-2 of the centre code. An unknown one is only a warning,
# because factory defaults and test benches use arbitrary centre codes.
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


@dataclass(frozen=True)
class DeviceId:
    """A decoded GB/T 28181 ID; `warnings` lists unusual but accepted parts (zh-CN)."""

    value: str
    centre_code: str
    province: str
    province_name: str | None
    city: str
    district: str
    grassroots: str
    industry_code: str
    industry_label: str | None
    type_code: int
    type_label: str
    type_category: str
    network_code: str
    network_label: str
    serial: str
    is_camera: bool
    is_recorder: bool
    is_platform: bool
    warnings: tuple[str, ...]


def _reject(value: object, field: str, reason: str, message: str) -> errors.AppError:
    return INVALID_GB28181_ID(
        f"GB/T 28181 设备编码无效：{message}", details={"field": field, "value": value, "reason": reason}
    )


def parse_device_id(value: str, field: str = "id") -> DeviceId:
    """Decode and validate a 20-digit device or channel ID; `field` names the input in the error."""
    if not isinstance(value, str):
        raise _reject(value, field, "not_string", "编码必须是字符串")
    code = value.strip()
    # isdigit() alone admits full-width and other Unicode digits, which SIP signalling never carries.
    if code and not (code.isascii() and code.isdigit()):
        raise _reject(value, field, "non_digit", "编码只能包含数字0-9")
    if len(code) != 20:
        raise _reject(value, field, "length", f"编码应为20位数字，实际为{len(code)}位")
    type_code = int(code[10:13])
    category = next((label for first, last, label in TYPE_RANGES if first <= type_code <= last), None)
    if category is None:
        raise _reject(value, field, "unknown_type", f"第11-13位类型编码{code[10:13]}不是GB/T 28181规定的类型")
    province, city, district, grassroots = code[0:2], code[2:4], code[4:6], code[6:8]
    warnings = []
    if province not in PROVINCES:
        warnings.append(f"第1-2位省级编码{province}不在GB/T 2260中")
    # Unused lower levels of the centre code are 00; a used level under an unused one is unusual.
    levels = [city, district, grassroots]
    unused = next((i for i, level in enumerate(levels) if level == "00"), len(levels))
    if any(level != "00" for level in levels[unused:]):
        warnings.append(f"中心编码{code[0:8]}的层级不连续（上级为00而下级非00）")
    if code[13] == "9":
        warnings.append("第14位网络标识9为预留值")
    type_label = TYPE_LABELS.get(type_code, f"{category}（扩展）")
    return DeviceId(
        code,
        code[0:8],
        province,
        PROVINCES.get(province),
        city,
        district,
        grassroots,
        code[8:10],
        INDUSTRY_LABELS.get(code[8:10]),
        type_code,
        type_label,
        category,
        code[13],
        NETWORK_LABELS[code[13]],
        code[14:20],
        type_code in CAMERA_TYPES,
        type_code in RECORDER_TYPES,
        type_code == 200,
        tuple(warnings),
    )
