"""Ports of the risk context: what the enterprise risk profile reads from contexts it must not import, filled by
chalicelib.bootstrap. Special work under way (the workpermits context, a sibling layer) and key posts vacant
now (the on-duty context, CONTRACTS.md "Key-post vacancies").

`vacancies` may stay empty until an on-duty context is wired: the profile then shows its key-post contribution
as not connected (数据未接入) rather than as zero, as the alarm context shows a missing plans provider.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class PermitUnderWay(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def level(self) -> str | None: ...


class WorkUnderWay(Protocol):
    @property
    def permits(self) -> Sequence[PermitUnderWay]: ...


class ActiveWork(Protocol):
    def __call__(self, enterprise_id: str, /) -> WorkUnderWay:
        """The enterprise's special work permits in state `active` (workpermits.service.active_work)."""


class VacantPost(Protocol):
    @property
    def post_id(self) -> str: ...
    @property
    def post_name(self) -> str: ...
    @property
    def since_ms(self) -> int: ...


class Vacancies(Protocol):
    def __call__(self, enterprise_id: str, /) -> Sequence[VacantPost]:
        """Key posts of the enterprise vacant now, during their shift (onduty.service.vacancies)."""


@dataclass
class Ports:
    active_work: ActiveWork | None = None
    vacancies: Vacancies | None = None


PORTS = Ports()


def wire(*, active_work: ActiveWork, vacancies: Vacancies | None = None) -> None:
    PORTS.active_work, PORTS.vacancies = active_work, vacancies


def active_work() -> ActiveWork:
    if PORTS.active_work is None:
        raise RuntimeError("risk.ports.active_work is not wired: chalicelib.bootstrap.wire() must run first")
    return PORTS.active_work
