"""GB 18218-2018 chemical lookup: a chemical's critical quantity Q (表1/表2) and correction factor β (表3/表4)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chalicelib.core import errors
from chalicelib.registry import gb18218_data as data
from chalicelib.registry.gb18218_data import STANDARD

UNKNOWN_CHEMICAL = errors.define(
    "UNKNOWN_CHEMICAL",
    422,
    "无法识别该危险化学品：不在 GB 18218-2018 表1 中，且未提供可用的危险性类别",
    "Neither the CAS number nor the name is in Table 1 and no Table 2 hazard class was given.",
)
UNKNOWN_HAZARD_CLASS = errors.define(
    "UNKNOWN_HAZARD_CLASS",
    422,
    "危险性类别符号无效，应为 GB 18218-2018 表2 的符号（如 J1、W2、W5.1）",
    "hazard_class holds a symbol that is not in Table 2; details.unknown lists it.",
)
INVALID_CAS = errors.define(
    "INVALID_CAS", 422, "CAS 号格式或校验位错误", "The CAS number is malformed or its check digit fails."
)

_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
_CLASS_SPLIT = re.compile(r"[,;、/\s]+")
# Common spoken forms: 液氯/液态氨/液化天然气 and 氯气/硫化氢气体 name the same substance as the table row.
_PREFIXES = ("液化", "液态", "液")
_SUFFIXES = ("气体", "气")


def normalise_name(text: str) -> str:
    """Fold full-width forms, subscripts (H₂S) and case, and drop whitespace, so names compare as typed."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def cas_is_valid(cas: str) -> bool:
    """CAS format and check digit: the last digit is Σ(i·dᵢ) mod 10 over the other digits, from the right."""
    match = _CAS_RE.match(cas)
    if not match:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    return sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10 == int(match.group(3))


def _build_index() -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    by_name: dict[str, set[int]] = {}
    by_cas: dict[str, set[int]] = {}
    for row in data.TABLE_1:
        for name in (row.name, *row.aliases, *row.english):
            key = normalise_name(name)
            # The bare name before a qualifier also finds the row: 甲醛(含量>90%) -> 甲醛.
            for k in {key, re.split(r"[(\[]", key, maxsplit=1)[0]}:
                by_name.setdefault(k, set()).add(row.row)
        for cas in row.cas:
            by_cas.setdefault(cas, set()).add(row.row)
    for gas in data.TABLE_3:
        for name in (gas.name, *gas.aliases):
            by_name.setdefault(normalise_name(name), set()).add(gas.row)
        by_cas.setdefault(gas.cas, set()).add(gas.row)
    return by_name, by_cas


_ROWS = {row.row: row for row in data.TABLE_1}
_BY_NAME, _BY_CAS = _build_index()
_TABLE3_BY_ROW = {gas.row: gas for gas in data.TABLE_3}


@dataclass(frozen=True)
class ChemicalRule:
    """How one chemical is counted: Q and β with their sources; `key` identifies the chemical for merging."""

    key: str
    name: str
    cas: str | None
    row: int | None
    q_t: float
    q_source: str
    beta: float | None
    beta_source: str | None
    hazard_class: str | None


def parse_classes(text: str | None) -> tuple[str, ...]:
    """'W2,J3' / 'w2、j3' -> ('W2', 'J3'); an unknown symbol is an error naming it."""
    if text is None or not text.strip():
        return ()
    parts = _CLASS_SPLIT.split(unicodedata.normalize("NFKC", text).upper())
    symbols = tuple(dict.fromkeys(p for p in parts if p))
    unknown = [s for s in symbols if s not in data.CATEGORIES]
    if unknown:
        raise UNKNOWN_HAZARD_CLASS(
            details={"field": "hazard_class", "value": text, "unknown": unknown, "allowed": list(data.CATEGORIES)}
        )
    return symbols


def _name_forms(key: str) -> list[str]:
    stem = next((key[len(p) :] for p in _PREFIXES if key.startswith(p) and len(key) > len(p)), key)
    bare = [f[: -len(s)] for f in (stem, key) for s in _SUFFIXES if f.endswith(s) and len(f) > len(s)]
    return [key, stem, *bare]


def _match_rows(chemical: str | None, cas: str | None) -> set[int]:
    by_cas = _BY_CAS.get(cas, set()) if cas else set()
    key = normalise_name(chemical) if chemical else ""
    by_name = next((_BY_NAME[f] for f in _name_forms(key) if f in _BY_NAME), set()) if key else set()
    # CAS wins; the name only narrows rows that share one CAS (硝化纤维素 rows 37-42 differ by composition).
    return (by_cas & by_name) or by_cas or by_name


def _clean_cas(cas: str | None) -> str | None:
    if cas is None or not cas.strip():
        return None
    cleaned = "".join(unicodedata.normalize("NFKC", cas).split())
    if not cas_is_valid(cleaned):
        raise INVALID_CAS(details={"field": "cas", "value": cas})
    return cleaned


def lookup(chemical: str | None, cas: str | None, hazard_class: str | None) -> ChemicalRule:
    """Q and β of one chemical: 表1 by CAS then name/alias, else 表2 by hazard class (lowest Q of several)."""
    classes = parse_classes(hazard_class)
    cas_clean = _clean_cas(cas)
    rows = _match_rows(chemical, cas_clean)
    if rows:
        return _table1_rule(rows, classes, cas_clean)
    if classes:
        return _table2_rule(chemical, cas_clean, classes)
    raise UNKNOWN_CHEMICAL(
        details={"field": "chemical", "chemical": chemical, "cas": cas, "hazard_class": hazard_class}
    )


def _table1_rule(rows: set[int], classes: tuple[str, ...], cas: str | None) -> ChemicalRule:
    # Rows sharing a CAS or bare name differ only by composition: the lowest Q is the conservative reading.
    row = min((_ROWS[r] for r in rows), key=lambda r: (r.q_t, r.row))
    q_source = f"{STANDARD} 表1 第{row.row}行" + ("（同名/同CAS多行，取最小临界量）" if len(rows) > 1 else "")
    gas = _TABLE3_BY_ROW.get(row.row)
    beta: float | None = None
    beta_source: str | None = None
    if gas is not None:
        beta, beta_source = gas.beta, f"{STANDARD} 表3 {gas.name}"
    elif classes or row.default_class:
        category = _highest_beta(classes or (row.default_class or "",))
        beta = category.beta
        beta_source = f"{STANDARD} 表4 {category.symbol}" + ("" if classes else "（默认分类）")
    used = ",".join(classes) or (row.default_class if gas is None else None)
    return ChemicalRule(
        f"T1:{row.row}",
        row.name,
        cas or (row.cas[0] if row.cas else None),
        row.row,
        row.q_t,
        q_source,
        beta,
        beta_source,
        used,
    )


def _table2_rule(chemical: str | None, cas: str | None, classes: tuple[str, ...]) -> ChemicalRule:
    # Several hazard classes: Q is the lowest (GB 18218-2018 §4.1); β the highest, the conservative choice.
    categories = [data.CATEGORIES[s] for s in classes]
    q_cat = min(categories, key=lambda c: c.q_t)
    b_cat = _highest_beta(classes)
    name = chemical.strip() if chemical and chemical.strip() else f"{q_cat.category}({q_cat.symbol})"
    key = "T2:" + (cas or (normalise_name(chemical) if chemical and chemical.strip() else ",".join(classes)))
    return ChemicalRule(
        key,
        name,
        cas,
        None,
        q_cat.q_t,
        f"{STANDARD} 表2 {q_cat.symbol}",
        b_cat.beta,
        f"{STANDARD} 表4 {b_cat.symbol}",
        ",".join(classes),
    )


def _highest_beta(symbols: tuple[str, ...]) -> data.HazardCategory:
    return max((data.CATEGORIES[s] for s in symbols), key=lambda c: c.beta)
