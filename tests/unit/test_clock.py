"""The one clock's conversions: epoch ms to ISO-8601 and back is exact for every representable instant, and the
year always has four digits (what the API promises and what every client parses)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.clock import from_ms, iso, to_ms
from chalicelib.core.schemas import Instant, Schema

FIRST_MS, LAST_MS = -62_135_596_800_000, 253_402_300_799_999  # 0001-01-01T00:00:00.000Z, 9999-12-31T23:59:59.999Z


@given(st.integers(min_value=FIRST_MS, max_value=LAST_MS))
def test_iso_is_exact_and_reads_back_for_every_year(ms: int) -> None:
    text = iso(ms)
    assert len(text) == 24 and text[4] == "-" and text.endswith("Z"), text
    assert to_ms(datetime.fromisoformat(text)) == ms == to_ms(from_ms(ms))


def test_years_before_1000_are_padded_and_the_last_millisecond_is_kept() -> None:
    assert iso(-48_000_000_000_000) == "0448-12-09T10:40:00.000Z"  # glibc's %Y wrote "448-12-09..."
    assert iso(LAST_MS) == "9999-12-31T23:59:59.999Z"  # float division made it .998


def test_a_stored_instant_of_any_year_is_served_and_read_back() -> None:
    class Out(Schema):
        at: Instant

    served = Out.model_validate({"at": -48_000_000_000_000}).model_dump_json()
    assert Out.model_validate_json(served).at == from_ms(-48_000_000_000_000)
