"""On-duty use cases, the only module other contexts import: key posts and rosters (posts), check-ins and
presence (presence), the status view and the vacancies the risk profile reads (views), the vacancy sweep."""

from chalicelib.onduty.domain import Vacancy
from chalicelib.onduty.service.posts import create, get, page, put_roster, remove_roster, replace, roster_page
from chalicelib.onduty.service.presence import check_in, check_ins_page, check_out
from chalicelib.onduty.service.sweep import remove, sweep
from chalicelib.onduty.service.views import status, vacancies

__all__ = [
    "Vacancy",
    "check_in",
    "check_ins_page",
    "check_out",
    "create",
    "get",
    "page",
    "put_roster",
    "remove",
    "remove_roster",
    "replace",
    "roster_page",
    "status",
    "sweep",
    "vacancies",
]
