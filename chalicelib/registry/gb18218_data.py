"""GB 18218-2018 tables 1-6 (危险化学品重大危险源辨识): critical quantities and grading factors, as data."""

from __future__ import annotations

from dataclasses import dataclass

STANDARD = "GB 18218-2018"


@dataclass(frozen=True)
class Table1Row:
    """One row of 表1 危险化学品名称及其临界量.

    `name`, `cas` and `q_t` are as printed in the standard (via the QS extraction cited in reference/domain.md
    §1.4). `aliases` is the standard's 别名 column plus a few common forms for lookup (e.g. 丙烷/丁烷 from row
    52's own title); `english` is a project addition for lookup only. `default_class` is a project default
    表4 symbol used for β when the row has no 表3 entry and the caller gives no class.
    """

    row: int
    name: str
    q_t: float
    cas: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    default_class: str | None = None


def _r(
    row: int, name: str, cas: str, q_t: float, aliases: str = "", *, en: str = "", cls: str | None = None
) -> Table1Row:
    """Compact row builder: CAS, aliases and English names are ';'-separated."""

    def split(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(";") if part.strip())

    return Table1Row(row, name, q_t, split(cas), split(aliases), split(en), cls)


# 表1, all 85 rows. Rows 37-42 share CAS 9004-70-0 and rows 43-44 share 6484-52-2: the standard tells them
# apart by composition only, so lookup by CAS or bare name picks the lowest Q of the group (conservative).
# Rows 13, 45 and 74 have no CAS in the standard itself.
TABLE_1: tuple[Table1Row, ...] = (
    _r(1, "氨", "7664-41-7", 10, "液氨;氨气", en="ammonia;NH3"),
    _r(2, "二氟化氧", "7783-41-7", 1, "一氧化二氟", en="oxygen difluoride;OF2"),
    _r(3, "二氧化氮", "10102-44-0", 1, "", en="nitrogen dioxide;NO2"),
    _r(4, "二氧化硫", "7446-09-5", 20, "亚硫酸酐", en="sulfur dioxide;sulphur dioxide;SO2"),
    _r(5, "氟", "7782-41-4", 1, "氟气", en="fluorine;F2"),
    _r(6, "碳酰氯", "75-44-5", 0.3, "光气", en="phosgene;carbonyl chloride;COCl2"),
    _r(7, "环氧乙烷", "75-21-8", 10, "氧化乙烯", en="ethylene oxide"),
    _r(8, "甲醛(含量>90%)", "50-00-0", 5, "蚁醛", en="formaldehyde"),
    _r(9, "磷化氢", "7803-51-2", 1, "磷化三氢;膦", en="phosphine;PH3"),
    _r(10, "硫化氢", "7783-06-4", 5, "", en="hydrogen sulfide;hydrogen sulphide;H2S"),
    _r(11, "氯化氢(无水)", "7647-01-0", 20, "", en="hydrogen chloride;HCl"),
    _r(12, "氯", "7782-50-5", 5, "液氯;氯气", en="chlorine;Cl2"),
    # 一氧化碳 resolves to this row through 表3 (see TABLE_3): the row is defined as CO and its mixtures.
    _r(13, "煤气(CO,CO和H₂、CH₄的混合物等)", "", 20, "", en="coal gas"),
    _r(14, "砷化氢", "7784-42-1", 1, "砷化三氢;胂", en="arsine;AsH3"),
    _r(15, "锑化氢", "7803-52-3", 1, "三氢化锑;锑化三氢", en="stibine;SbH3"),
    _r(16, "硒化氢", "7783-07-5", 1, "", en="hydrogen selenide;H2Se"),
    _r(17, "溴甲烷", "74-83-9", 10, "甲基溴", en="methyl bromide;bromomethane;CH3Br"),
    _r(18, "丙酮氰醇", "75-86-5", 20, "丙酮合氰化氢;2-羟基异丁腈;氰丙醇", en="acetone cyanohydrin"),
    _r(19, "丙烯醛", "107-02-8", 20, "烯丙醛;败脂醛", en="acrolein"),
    _r(20, "氟化氢", "7664-39-3", 1, "", en="hydrogen fluoride;HF"),
    _r(21, "1-氯-2,3-环氧丙烷", "106-89-8", 20, "环氧氯丙烷;3-氯-1,2-环氧丙烷", en="epichlorohydrin"),
    _r(22, "3-溴-1,2-环氧丙烷", "3132-64-7", 20, "环氧溴丙烷;溴甲基环氧乙烷;表溴醇", en="epibromohydrin"),
    _r(23, "甲苯二异氰酸酯", "26471-62-5", 100, "二异氰酸甲苯酯;TDI", en="toluene diisocyanate"),
    _r(24, "一氯化硫", "10025-67-9", 1, "氯化硫", en="sulfur monochloride"),
    _r(25, "氰化氢", "74-90-8", 1, "无水氢氰酸", en="hydrogen cyanide;HCN"),
    _r(26, "三氧化硫", "7446-11-9", 75, "硫酸酐", en="sulfur trioxide;SO3"),
    _r(27, "3-氨基丙烯", "107-11-9", 20, "烯丙胺", en="allylamine"),
    _r(28, "溴", "7726-95-6", 20, "溴素", en="bromine;Br2"),
    _r(29, "乙撑亚胺", "151-56-4", 20, "吖丙啶;1-氮杂环丙烷;氮丙啶", en="ethyleneimine;aziridine"),
    _r(30, "异氰酸甲酯", "624-83-9", 0.75, "甲基异氰酸酯", en="methyl isocyanate;MIC"),
    _r(31, "叠氮化钡", "18810-58-7", 0.5, "叠氮钡", en="barium azide"),
    _r(32, "叠氮化铅", "13424-46-9", 0.5, "", en="lead azide"),
    _r(33, "雷汞", "628-86-4", 0.5, "二雷酸汞;雷酸汞", en="mercury fulminate"),
    _r(34, "三硝基苯甲醚", "28653-16-9", 5, "三硝基茴香醚", en="trinitroanisole"),
    _r(35, "2,4,6-三硝基甲苯", "118-96-7", 5, "梯恩梯;TNT", en="trinitrotoluene"),
    _r(36, "硝化甘油", "55-63-0", 1, "硝化丙三醇;甘油三硝酸酯", en="nitroglycerin"),
    _r(37, "硝化纤维素[干的或含水(或乙醇)<25%]", "9004-70-0", 1, "硝化棉;硝化纤维素", en="nitrocellulose"),
    _r(38, "硝化纤维素(未改型的,或增塑的,含增塑剂<18%)", "9004-70-0", 1, "硝化棉;硝化纤维素", en="nitrocellulose"),
    _r(39, "硝化纤维素(含乙醇≥25%)", "9004-70-0", 10, "硝化棉;硝化纤维素", en="nitrocellulose"),
    _r(40, "硝化纤维素(含氮≤12.6%)", "9004-70-0", 50, "硝化棉;硝化纤维素", en="nitrocellulose"),
    _r(41, "硝化纤维素(含水≥25%)", "9004-70-0", 50, "硝化棉;硝化纤维素", en="nitrocellulose"),
    _r(
        42, "硝化纤维素溶液(含氮量≤12.6%,含硝化纤维素≤55%)", "9004-70-0", 50, "硝化棉溶液", en="nitrocellulose solution"
    ),
    _r(
        43,
        "硝酸铵(含可燃物>0.2%,包括以碳计算的任何有机物,但不包括任何其他添加剂)",
        "6484-52-2",
        5,
        "硝酸铵",
        en="ammonium nitrate",
    ),
    _r(44, "硝酸铵(含可燃物≤0.2%)", "6484-52-2", 50, "硝酸铵", en="ammonium nitrate"),
    _r(45, "硝酸铵肥料(含可燃物≤0.4%)", "", 200, "", en="ammonium nitrate fertilizer"),
    _r(46, "硝酸钾", "7757-79-1", 1000, "", en="potassium nitrate"),
    # Rows 47-56 are flammable gases (W2) or an oxidising gas (W4): 表4 has a single symbol for each, so the
    # default class is unambiguous. Hydrogen and LPG as W2 are also the worked example of domain.md §1.3.
    _r(47, "1,3-丁二烯", "106-99-0", 5, "联乙烯;丁二烯", en="1,3-butadiene;butadiene", cls="W2"),
    _r(48, "二甲醚", "115-10-6", 50, "甲醚", en="dimethyl ether;DME", cls="W2"),
    _r(49, "甲烷,天然气", "74-82-8;8006-14-2", 50, "甲烷;天然气", en="methane;natural gas;CH4;LNG", cls="W2"),
    _r(50, "氯乙烯", "75-01-4", 50, "乙烯基氯", en="vinyl chloride;VCM", cls="W2"),
    _r(51, "氢", "1333-74-0", 5, "氢气", en="hydrogen;H2", cls="W2"),
    _r(
        52,
        "液化石油气(含丙烷、丁烷及其混合物)",
        "68476-85-7;74-98-6;106-97-8",
        50,
        "石油气(液化的);液化石油气;液化气;丙烷;丁烷",
        en="liquefied petroleum gas;LPG;propane;butane",
        cls="W2",
    ),
    _r(53, "一甲胺", "74-89-5", 5, "氨基甲烷;甲胺", en="methylamine;monomethylamine", cls="W2"),
    _r(54, "乙炔", "74-86-2", 1, "电石气", en="acetylene;C2H2", cls="W2"),
    _r(55, "乙烯", "74-85-1", 50, "", en="ethylene;ethene;C2H4", cls="W2"),
    _r(56, "氧(压缩的或液化的)", "7782-44-7", 200, "液氧;氧气;氧", en="oxygen;O2", cls="W4"),
    _r(57, "苯", "71-43-2", 50, "纯苯", en="benzene"),
    _r(58, "苯乙烯", "100-42-5", 500, "乙烯苯", en="styrene"),
    _r(59, "丙酮", "67-64-1", 500, "二甲基酮", en="acetone"),
    _r(60, "2-丙烯腈", "107-13-1", 50, "丙烯腈;乙烯基氰;氰基乙烯", en="acrylonitrile"),
    _r(61, "二硫化碳", "75-15-0", 50, "", en="carbon disulfide;CS2"),
    _r(62, "环己烷", "110-82-7", 500, "六氢化苯", en="cyclohexane"),
    _r(63, "1,2-环氧丙烷", "75-56-9", 10, "氧化丙烯;甲基环氧乙烷", en="propylene oxide"),
    _r(64, "甲苯", "108-88-3", 500, "甲基苯;苯基甲烷", en="toluene"),
    # Methanol W5.3 (β 1) follows the worked example; domain.md §1.3 says W5.1 (β 1.5) is a site choice:
    # a caller that passes hazard_class="W5.1" overrides this default.
    _r(65, "甲醇", "67-56-1", 500, "木醇;木精", en="methanol", cls="W5.3"),
    _r(66, "汽油(乙醇汽油、甲醇汽油)", "86290-81-5", 200, "汽油;乙醇汽油;甲醇汽油", en="gasoline;petrol"),
    _r(67, "乙醇", "64-17-5", 500, "酒精", en="ethanol"),
    _r(68, "乙醚", "60-29-7", 10, "二乙基醚", en="diethyl ether;ether"),
    _r(69, "乙酸乙酯", "141-78-6", 500, "醋酸乙酯", en="ethyl acetate"),
    _r(70, "正己烷", "110-54-3", 500, "己烷", en="n-hexane;hexane"),
    _r(71, "过乙酸", "79-21-0", 10, "过醋酸;过氧乙酸;乙酰过氧化氢", en="peracetic acid;peroxyacetic acid"),
    _r(
        72,
        "过氧化甲基乙基酮(10%<有效氧含量≤10.7%,含A型稀释剂≥48%)",
        "1338-23-4",
        10,
        "过氧化甲乙酮",
        en="methyl ethyl ketone peroxide;MEKP",
    ),
    _r(73, "白磷", "12185-10-3", 50, "黄磷", en="white phosphorus;yellow phosphorus"),
    _r(74, "烷基铝", "", 1, "三烷基铝", en="alkylaluminium;alkyl aluminum"),
    _r(75, "戊硼烷", "19624-22-7", 1, "五硼烷", en="pentaborane"),
    _r(76, "过氧化钾", "17014-71-0", 20, "", en="potassium peroxide"),
    _r(77, "过氧化钠", "1313-60-6", 20, "双氧化钠;二氧化钠", en="sodium peroxide"),
    _r(78, "氯酸钾", "3811-04-9", 100, "", en="potassium chlorate"),
    _r(79, "氯酸钠", "7775-09-9", 100, "", en="sodium chlorate"),
    _r(80, "发烟硝酸", "52583-42-3", 20, "", en="fuming nitric acid"),
    _r(81, "硝酸(发红烟的除外,含硝酸>70%)", "7697-37-2", 100, "", en="nitric acid"),
    _r(82, "硝酸胍", "506-93-4", 50, "硝酸亚氨脲", en="guanidine nitrate"),
    _r(83, "碳化钙", "75-20-7", 100, "电石", en="calcium carbide"),
    _r(84, "钾", "7440-09-7", 1, "金属钾", en="potassium"),
    _r(85, "钠", "7440-23-5", 10, "金属钠", en="sodium"),
)


@dataclass(frozen=True)
class Table3Entry:
    """表3 毒性气体校正系数 β; `row` links the gas to its 表1 row (all 14 gases are in 表1)."""

    name: str
    beta: float
    row: int
    cas: str
    aliases: tuple[str, ...] = ()


# 一氧化碳 is not a 表1 row of its own: row 13 煤气 is "CO, CO和H₂、CH₄的混合物", so CO links to row 13 and
# the CO β (2) also applies to 煤气 (project reading; see the module docs of gb18218).
TABLE_3: tuple[Table3Entry, ...] = (
    Table3Entry("一氧化碳", 2, 13, "630-08-0", ("CO", "carbon monoxide")),
    Table3Entry("二氧化硫", 2, 4, "7446-09-5"),
    Table3Entry("氨", 2, 1, "7664-41-7"),
    Table3Entry("环氧乙烷", 2, 7, "75-21-8"),
    Table3Entry("氯化氢", 3, 11, "7647-01-0"),
    Table3Entry("溴甲烷", 3, 17, "74-83-9"),
    Table3Entry("氯", 4, 12, "7782-50-5"),
    Table3Entry("硫化氢", 5, 10, "7783-06-4"),
    Table3Entry("氟化氢", 5, 20, "7664-39-3"),
    Table3Entry("二氧化氮", 10, 3, "10102-44-0"),
    Table3Entry("氰化氢", 10, 25, "74-90-8"),
    Table3Entry("碳酰氯", 20, 6, "75-44-5", ("光气",)),
    Table3Entry("磷化氢", 20, 9, "7803-51-2"),
    Table3Entry("异氰酸甲酯", 20, 30, "624-83-9"),
)


@dataclass(frozen=True)
class HazardCategory:
    """A 表2 hazard category: its symbol, the critical quantity Q (表2) and the correction factor β (表4)."""

    symbol: str
    category: str
    description: str
    q_t: float
    beta: float


# 表2 (Q) and 表4 (β) share the same symbols, so they are kept in one row per symbol.
# J5: QS reads "类别2"; a secondary summary reads "类别2、3 (除吸入途径)" [P] - kept as QS, check the PDF.
# W3: Q is the net weight (净重) of the aerosol.
CATEGORIES: dict[str, HazardCategory] = {
    c.symbol: c
    for c in (
        HazardCategory("J1", "急性毒性", "类别1,所有暴露途径,气体", 5, 4),
        HazardCategory("J2", "急性毒性", "类别1,所有暴露途径,固体、液体", 50, 1),
        HazardCategory("J3", "急性毒性", "类别2、类别3,所有暴露途径,气体", 50, 2),
        HazardCategory("J4", "急性毒性", "类别2、类别3,吸入途径,液体(沸点≤35℃)", 50, 2),
        HazardCategory("J5", "急性毒性", "类别2,所有暴露途径,液体(除J4外)、固体", 500, 1),
        HazardCategory("W1.1", "爆炸物", "不稳定爆炸物;1.1项爆炸物", 1, 2),
        HazardCategory("W1.2", "爆炸物", "1.2、1.3、1.5、1.6项爆炸物", 10, 2),
        HazardCategory("W1.3", "爆炸物", "1.4项爆炸物", 50, 2),
        HazardCategory("W2", "易燃气体", "类别1和类别2", 10, 1.5),
        HazardCategory("W3", "气溶胶", "类别1和类别2(临界量按净重)", 150, 1),
        HazardCategory("W4", "氧化性气体", "类别1", 50, 1),
        HazardCategory("W5.1", "易燃液体", "类别1;类别2和3,工作温度高于沸点", 10, 1.5),
        HazardCategory(
            "W5.2",
            "易燃液体",
            "类别2和3,具有引发重大事故的特殊工艺条件(危险化工工艺、爆炸极限范围或附近操作、操作压力大于1.6MPa等)",
            50,
            1,
        ),
        HazardCategory("W5.3", "易燃液体", "不属于W5.1或W5.2的其他类别2", 1000, 1),
        HazardCategory("W5.4", "易燃液体", "不属于W5.1或W5.2的其他类别3", 5000, 1),
        HazardCategory("W6.1", "自反应物质和混合物", "A型和B型", 10, 1.5),
        HazardCategory("W6.2", "自反应物质和混合物", "C型、D型、E型", 50, 1),
        HazardCategory("W7.1", "有机过氧化物", "A型和B型", 10, 1.5),
        HazardCategory("W7.2", "有机过氧化物", "C型、D型、E型、F型", 50, 1),
        HazardCategory("W8", "自燃液体和自燃固体", "类别1自燃液体;类别1自燃固体", 50, 1),
        HazardCategory("W9.1", "氧化性固体和液体", "类别1", 50, 1),
        HazardCategory("W9.2", "氧化性固体和液体", "类别2、类别3", 200, 1),
        HazardCategory("W10", "易燃固体", "类别1易燃固体", 200, 1),
        HazardCategory("W11", "遇水放出易燃气体的物质和混合物", "类别1和类别2", 200, 1),
    )
}


@dataclass(frozen=True)
class AlphaBand:
    """A 表5 band of people exposed outside the plant within 500 m; `max_people` None means no upper bound."""

    min_people: int
    max_people: int | None
    alpha: float
    label: str


# 表5, highest band first.
TABLE_5: tuple[AlphaBand, ...] = (
    AlphaBand(100, None, 2.0, "100人以上"),
    AlphaBand(50, 99, 1.5, "50~99人"),
    AlphaBand(30, 49, 1.2, "30~49人"),
    AlphaBand(1, 29, 1.0, "1~29人"),
    AlphaBand(0, 0, 0.5, "0人"),
)


@dataclass(frozen=True)
class GradeBand:
    """A 表6 band: grade `grade` when R >= `r_min` (and below the next band up)."""

    grade: int
    label: str
    r_min: float
    rule: str


# 表6, highest grade first; 四级 has no lower bound (R < 10 is still a major hazard when S >= 1).
TABLE_6: tuple[GradeBand, ...] = (
    GradeBand(1, "一级", 100, "R≥100"),
    GradeBand(2, "二级", 50, "100>R≥50"),
    GradeBand(3, "三级", 10, "50>R≥10"),
    GradeBand(4, "四级", float("-inf"), "R<10"),
)
