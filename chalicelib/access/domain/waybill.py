"""Electronic waybill check (电子运单, 交通运输部令2019年第29号 Art. 24): a hazmat vehicle's goods must be what
the destination enterprise may receive, i.e. chemicals stored by its installations (their GB 18218 inventory),
in no more than the installations' design maximum.

A goods line names its UN number and may add its CAS number and name. It is identified by CAS (given, or
from `UN_CAS`, a project table of common UN numbers), else by name against the inventory's chemical names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib.access.domain import Reason, normal_plate

# UN number -> CAS of the single substance it names (UN Model Regulations, Dangerous Goods List). Entries
# that name mixtures or classes (UN1203 motor spirit, UN1993 flammable liquid n.o.s.) are left out: such goods
# match by name or the CAS the carrier gives.
UN_CAS: dict[str, str] = {
    "1005": "7664-41-7",  # 氨（无水）
    "1017": "7782-50-5",  # 氯
    "1049": "1333-74-0",  # 氢（压缩）
    "1050": "7647-01-0",  # 氯化氢（无水）
    "1052": "7664-39-3",  # 氟化氢（无水）
    "1053": "7783-06-4",  # 硫化氢
    "1016": "630-08-0",  # 一氧化碳（压缩）
    "1076": "75-44-5",  # 光气
    "1079": "7446-09-5",  # 二氧化硫
    "1040": "75-21-8",  # 环氧乙烷
    "1086": "75-01-4",  # 氯乙烯（稳定的）
    "1093": "107-13-1",  # 丙烯腈（稳定的）
    "1114": "71-43-2",  # 苯
    "1230": "67-56-1",  # 甲醇
    "1294": "108-88-3",  # 甲苯
    "1170": "64-17-5",  # 乙醇
    "1090": "67-64-1",  # 丙酮
    "1131": "75-15-0",  # 二硫化碳
    "1280": "75-56-9",  # 环氧丙烷
    "1962": "74-85-1",  # 乙烯
    "1077": "115-07-1",  # 丙烯
    "1978": "74-98-6",  # 丙烷
    "1011": "106-97-8",  # 丁烷
    "1971": "74-82-8",  # 甲烷（压缩）
    "1001": "74-86-2",  # 乙炔（溶解的）
    "1830": "7664-93-9",  # 硫酸
}
UN_FORM = re.compile(r"^(UN)?(\d{4})$", re.IGNORECASE)


def un_digits(value: str) -> str:
    """ "UN1017" or "1017" -> "1017" (the form is checked by the schema)."""
    match = UN_FORM.match(value.strip())
    return match.group(2) if match else value.strip()


@dataclass(frozen=True)
class Stored:
    """One inventory line of one of the destination enterprise's installations in operation."""

    chemical: str
    cas: str | None
    quantity_t: float


Line = tuple[str, str | None, float]  # chemical, CAS number, quantity (t): one inventory line


def stored_lines(installations: Iterable[tuple[str, Iterable[Line]]]) -> list[Stored]:
    """Inventory lines of the installations, each (status, lines), that may receive goods (a decommissioned one
    receives nothing)."""
    return [
        Stored(chemical or "", cas, float(quantity_t))
        for status, lines in installations
        if status != "decommissioned"
        for chemical, cas, quantity_t in lines
    ]


def _matches(goods: Mapping[str, Any], line: Stored) -> bool:
    cas = goods.get("cas") or UN_CAS.get(un_digits(str(goods.get("un_number") or "")))
    if cas and line.cas:
        return bool(cas == line.cas)
    name = (goods.get("name") or "").strip()
    return bool(name) and name == line.chemical


def check(
    waybill: Mapping[str, Any] | None, host_enterprise_id: str, plate: str, stored: list[Stored]
) -> list[tuple[Reason, dict[str, str]]]:
    """Every reason the waybill does not fit the appointment and the destination, each with its details."""
    if waybill is None:
        return [(Reason.WAYBILL_REQUIRED, {})]
    found: list[tuple[Reason, dict[str, str]]] = []
    if waybill["destination_enterprise_id"] != host_enterprise_id:
        found.append((Reason.WAYBILL_DESTINATION_MISMATCH, {"destination": waybill["destination_enterprise_id"]}))
    if waybill.get("plate") and normal_plate(waybill["plate"]) != normal_plate(plate):
        found.append((Reason.WAYBILL_PLATE_MISMATCH, {"plate": waybill["plate"]}))
    for i, goods in enumerate(waybill["goods"]):
        lines = [line for line in stored if _matches(goods, line)]
        where = {"goods": str(i), "un_number": str(goods["un_number"])}
        if not lines:
            found.append((Reason.WAYBILL_GOODS_NOT_PERMITTED, where))
        elif float(goods["quantity_t"]) > sum(line.quantity_t for line in lines):
            limit = sum(line.quantity_t for line in lines)
            found.append((Reason.WAYBILL_QUANTITY_EXCEEDED, {**where, "max_t": f"{limit:g}"}))
    return found
