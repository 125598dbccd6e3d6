"""Property: the telemetry decoder is total. Any bytes, any JSON value in any field of a message or a reading,
give readings or quarantine reasons, never an exception, and every reading sent is accounted for once."""

from __future__ import annotations

import json
import os

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.telemetry.domain import decode_batch
from chalicelib.telemetry.domain.quarantine import MAX_SAMPLES, summarise

T0 = 1_795_000_000_000
DAY = 86_400_000
# 500 examples in make test (about 7 s on the 2-core VM); raise it to explore, e.g. CHEMPARK_PROPERTY_EXAMPLES=20000.
EXAMPLES = int(os.environ.get("CHEMPARK_PROPERTY_EXAMPLES", "500"))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def _field(good: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """A field that is usually right, sometimes any JSON value at all."""
    return st.one_of(good, good, json_values)


readings = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "tag_id": _field(st.sampled_from(["t1", "t2", "AT-101", "x" * 64, "x" * 65])),
            "ts": _field(st.integers(min_value=T0 - 2 * DAY, max_value=T0 + DAY)),
            "value": _field(st.floats(allow_nan=False) | st.integers()),
            "quality": _field(st.sampled_from(["good", "bad", "uncertain"])),
            "extra": json_values,
        },
    ),
    json_values,
)

messages = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "_topic_enterprise": _field(st.sampled_from(["ent_a", "ent_b"])),
            "gateway_id": _field(st.sampled_from(["gw-1", "gw-2"])),
            "readings": _field(st.lists(readings, max_size=8)),
            "seq": json_values,
            "_payload_topic_enterprise": json_values,
        },
    ),
    json_values,
)

bodies = st.one_of(messages.map(lambda m: json.dumps(m).encode()), st.binary(max_size=200))


def _sent(body: bytes) -> int:
    """Readings a body carries, as the contract counts them: a message that is not a reading list counts one."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 1
    if isinstance(doc, dict) and isinstance(doc.get("readings"), list) and doc["readings"]:
        return len(doc["readings"])
    return 0 if isinstance(doc, dict) and doc.get("readings") == [] else 1


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(bodies, min_size=1, max_size=6))
def test_any_input_is_evaluated_or_quarantined_and_every_reading_is_counted_once(batch):
    records = [(f"m{i}", body) for i, body in enumerate(batch)]
    decoded = decode_batch(records, T0, DAY)
    quarantined = sum(item.count for *_, item in decoded.rejected)
    assert decoded.sent == sum(_sent(b) for b in batch) == decoded.readings + quarantined
    assert sum(len(rows) for rows in decoded.by_tag.values()) == decoded.readings
    for rows in decoded.by_tag.values():
        for r in rows:
            assert isinstance(r.tag_id, str) and 0 < len(r.tag_id) <= 64 and r.quality in {"good", "bad", "uncertain"}
            assert isinstance(r.ts, int) and T0 - DAY <= r.ts <= T0 + 5 * 60_000
    records_out = summarise(decoded.rejected)
    assert len(records_out) <= len(batch)  # one quarantine row per message at most
    assert sum(r.rejected for r in records_out) == quarantined
    assert all(len(r.samples) <= MAX_SAMPLES for r in records_out)


def test_unhashable_quality_is_a_reason_not_a_crash():
    """The poison reading of the review: `quality: []` with a ts in range raised TypeError and failed the batch."""
    for quality in ([], {}, [1]):
        body = orjson.dumps(
            {
                "_topic_enterprise": "e",
                "gateway_id": "g",
                "readings": [
                    {"tag_id": "a", "ts": T0, "value": 1.0, "quality": quality},
                    {"tag_id": "b", "ts": T0, "value": 2},
                ],
            }
        )
        decoded = decode_batch([("m", body)], T0, DAY)
        assert [r[3].reason for r in decoded.rejected] == ["invalid_quality"]
        assert list(decoded.by_tag) == ["b"]


def test_a_payload_that_carries_the_rules_reserved_key_is_refused_whole():
    reading = {"tag_id": "a", "ts": T0, "value": 1.0}
    for claim in ("other", None, ["x"]):
        body = orjson.dumps(
            {"_topic_enterprise": "e", "_payload_topic_enterprise": claim, "gateway_id": "g", "readings": [reading] * 3}
        )
        decoded = decode_batch([("m", body)], T0, DAY)
        assert decoded.by_tag == {}
        assert [(r[3].reason, r[3].count) for r in decoded.rejected] == [("reserved_key", 3)]


def test_ids_that_no_key_or_topic_can_hold_are_refused():
    good = {"tag_id": "a", "ts": T0, "value": 1.0}
    cases = {
        "missing_enterprise": {"_topic_enterprise": "e" * 65, "gateway_id": "g", "readings": [good]},
        "invalid_gateway_id": {"_topic_enterprise": "e", "gateway_id": "g/../x", "readings": [good]},
        "invalid_tag_id": {"_topic_enterprise": "e", "gateway_id": "g", "readings": [{**good, "tag_id": "t" * 65}]},
    }
    for reason, doc in cases.items():
        decoded = decode_batch([("m", orjson.dumps(doc))], T0, DAY)
        assert [r[3].reason for r in decoded.rejected] == [reason], reason
