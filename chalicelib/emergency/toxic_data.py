"""Toxic gases the impact-range model knows: names, CAS, molecular weight and 60-min AEGL thresholds."""

from __future__ import annotations

from dataclasses import dataclass

# Mean molar mass of dry air (g/mol): a gas with a larger MW is heavier than air.
AIR_MW = 28.96

AEGL_LEVELS = ("AEGL-3", "AEGL-2", "AEGL-1")  # most severe first: red, orange, yellow (domain.md 4.2)


@dataclass(frozen=True)
class ToxicGas:
    """One toxic gas (有毒气体) with its 60-minute AEGL thresholds in ppm; None where no value is held."""

    key: str
    name_zh: str
    name_en: str
    formula: str
    cas: str
    molecular_weight: float
    aegl1_ppm: float | None
    aegl2_ppm: float | None
    aegl3_ppm: float | None
    # Stored as a refrigerated or pressurised liquid, the release flashes into a cold aerosol cloud that
    # behaves as a dense gas even when the pure vapour is lighter than air (domain.md 4.2, NH3).
    dense_when_liquefied: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def heavier_than_air(self) -> bool:
        return self.molecular_weight > AIR_MW

    def thresholds(self) -> list[tuple[str, float]]:
        """(level, ppm) for every AEGL held, most severe first."""
        values = (self.aegl3_ppm, self.aegl2_ppm, self.aegl1_ppm)
        return [(level, v) for level, v in zip(AEGL_LEVELS, values, strict=True) if v is not None]


# Only gases whose AEGLs domain.md gives are listed: the other park toxic gases of GB 18218 Table 3
# (SO2, HCl, HF, phosgene, HCN, CO, NO2, ...) have no AEGL in the reference and must not be guessed.
# CAS numbers are from GB 18218-2018 Table 1 (domain.md 1.4, [V]).
GASES: tuple[ToxicGas, ...] = (
    ToxicGas(
        key="chlorine",
        name_zh="氯",
        name_en="chlorine",
        formula="Cl2",
        cas="7782-50-5",
        molecular_weight=70.906,  # domain.md 4.4 Example B
        aegl1_ppm=0.5,
        aegl2_ppm=2.0,
        aegl3_ppm=20.0,  # [V] ALOHA output, domain.md 4.2
        aliases=("氯气", "液氯"),
    ),
    ToxicGas(
        key="ammonia",
        name_zh="氨",
        name_en="ammonia",
        formula="NH3",
        cas="7664-41-7",
        molecular_weight=17.031,  # from IUPAC atomic weights; not given by domain.md
        aegl1_ppm=30.0,
        aegl2_ppm=160.0,
        aegl3_ppm=1100.0,  # [M] domain.md 4.2: verify before relying on it
        dense_when_liquefied=True,
        aliases=("氨气", "液氨"),
    ),
    ToxicGas(
        key="hydrogen_sulfide",
        name_zh="硫化氢",
        name_en="hydrogen sulfide",
        formula="H2S",
        cas="7783-06-4",
        molecular_weight=34.081,  # from IUPAC atomic weights; not given by domain.md
        aegl1_ppm=0.51,
        aegl2_ppm=27.0,
        aegl3_ppm=50.0,  # [M] domain.md 4.2: verify before relying on it
        aliases=("hydrogen sulphide",),
    ),
)


def _norm(text: str) -> str:
    return "".join(text.split()).replace("_", "").replace("-", "").casefold()


_INDEX: dict[str, ToxicGas] = {
    _norm(name): gas
    for gas in GASES
    for name in (gas.key, gas.name_zh, gas.name_en, gas.formula, gas.cas, *gas.aliases)
}


def find(name: str) -> ToxicGas | None:
    """A gas by key, Chinese or English name, formula, CAS number or alias; case and spaces ignored."""
    return _INDEX.get(_norm(name)) if isinstance(name, str) else None


def known_keys() -> list[str]:
    return [gas.key for gas in GASES]
