"""Telemetry message decoding (pure): validation, quarantine reasons, grouping by tag across a batch."""

from __future__ import annotations

import random
from pathlib import Path

import orjson

from chalicelib.telemetry.domain import decode_batch
from chalicelib.telemetry.domain.messages import rows_checked, typed

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_795_000_000_000
DAY = 86_400_000


def _message(enterprise: str, readings: list[object], gateway: str = "g") -> bytes:
    return orjson.dumps({"gateway_id": gateway, "_topic_enterprise": enterprise, "readings": readings})


def test_decode_groups_by_tag_and_names_what_it_rejects():
    now = T0
    body = (
        b'{"gateway_id":"g","_topic_enterprise":"e","readings":['
        b'{"tag_id":"a","ts":%d,"value":1.5},{"tag_id":"a","ts":%d,"value":2},'
        b'{"tag_id":"b","ts":%d,"value":"x"},{"tag_id":"c","ts":%d,"value":null,"quality":"bad"},'
        b'{"tag_id":"d","ts":1,"value":1}]}' % (now, now + 1, now, now)
    )
    batch = decode_batch([("m1", body), ("m2", b"[]"), ("m3", b"nope")], now, 86_400_000)
    assert sorted(batch.by_tag) == ["a", "c"]
    assert [r.ts for r in batch.by_tag["a"]] == [now, now + 1]
    assert batch.readings == 3
    assert sorted(r[3].reason for r in batch.rejected) == [
        "invalid_json",
        "message_not_object",
        "ts_out_of_range",
        "value_not_number",
    ]
    assert batch.origin("a") == ("e", "g", {"m1"})


def _random_reading(rng: random.Random) -> object:
    """Mostly valid readings, each field sometimes wrong in a way a broken gateway produces."""
    reading: dict[str, object] = {"tag_id": f"t{rng.randrange(50)}", "ts": T0 - rng.randrange(1000), "value": 1.5}
    reading["value"] = rng.choice([rng.uniform(-100, 100), rng.randrange(-5, 5), 1.5, True, None, "7", [1], 1e308])
    reading["quality"] = rng.choice(["good", "good", "uncertain", "bad", "BAD", None])
    if rng.random() < 0.1:
        reading["ts"] = rng.choice([float(T0), str(T0), 1, T0 + DAY, None, True])
    if rng.random() < 0.05:
        reading["tag_id"] = rng.choice(["", 7, None])
    for key in ("tag_id", "ts", "value", "quality"):
        if rng.random() < 0.03:
            del reading[key]
    return reading if rng.random() > 0.02 else rng.choice([[1, 2], "x", 3, None])


def test_the_typed_decoder_accepts_exactly_what_the_reading_by_reading_check_accepts():
    """The typed decoder is a shortcut: whenever it accepts a message, the careful path accepts every
    reading in it, with the same fields; and it takes the normal, well-formed message."""
    rng = random.Random(5)
    typed_taken = 0
    for _ in range(3000):
        size = rng.choice([1, 2, 5, 20])
        readings = [_random_reading(rng) for _ in range(size)]
        if rng.random() < 0.5:  # many lists are entirely well formed, as in normal operation
            readings = [
                {"tag_id": f"t{i}", "ts": T0 - i, "value": rng.choice([rng.uniform(0, 9), rng.randrange(9)])}
                | ({"quality": "good"} if rng.random() < 0.8 else {})
                for i in range(size)
            ]
        body = _message("e", readings)
        fast = typed(body, T0 - DAY, T0 + 60_000)
        rows, refused = rows_checked(orjson.loads(body)["readings"], T0 - DAY, T0 + 60_000)
        if fast is not None:
            typed_taken += 1
            assert (fast[2], refused) == (rows, [])
            assert [(type(r.value), r.quality) for r in fast[2]] == [(float, r.quality) for r in rows]
            assert (fast[0], fast[1], fast[3]) == ("e", "g", [r.tag_id for r in rows])
        elif not refused:  # refused as a whole only for something the careful path also refuses
            assert any(r.get("value") is None for r in readings), readings
    assert typed_taken > 1400


def test_a_float_text_or_boolean_timestamp_or_value_is_refused_on_either_path():
    cases = [{"ts": ts, "value": 1.0} for ts in (float(T0), str(T0), True)]
    cases += [{"ts": T0, "value": value} for value in (True, "1.5", None, [1])]
    for case in cases:
        readings = [{"tag_id": "a", "quality": "good", **case}]
        assert typed(_message("e", readings), T0 - DAY, T0 + 60_000) is None
        assert len(rows_checked(readings, T0 - DAY, T0 + 60_000)[1]) == 1, case


def test_a_message_with_a_timestamp_out_of_range_names_the_reading_and_keeps_the_others():
    body = _message("e", [{"tag_id": "a", "ts": T0, "value": 1}, {"tag_id": "b", "ts": T0 - 2 * DAY, "value": 2}])
    assert typed(body, T0 - DAY, T0 + 60_000) is None
    batch = decode_batch([("m", body)], T0, DAY)
    assert list(batch.by_tag) == ["a"] and batch.by_tag["a"][0].value == 1.0
    assert [(r[3].reason, r[3].tag_id) for r in batch.rejected] == [("ts_out_of_range", "b")]


def test_messages_of_one_batch_merge_by_tag_and_a_second_enterprise_is_refused():
    good = {"value": 1.0, "quality": "good"}
    m1 = _message("e1", [{"tag_id": "a", "ts": T0, **good}, {"tag_id": "b", "ts": T0, **good}], "g1")
    m2 = _message("e1", [{"tag_id": "a", "ts": T0 - 5, **good}, {"tag_id": "c", "ts": T0, **good}], "g2")
    m3 = _message("e2", [{"tag_id": "b", "ts": T0 + 1, **good}, {"tag_id": "d", "ts": T0, **good}], "g3")
    m4 = _message("e2", [{"tag_id": "d", "ts": T0 + 2, **good}, {"tag_id": "d", "ts": T0 + 1, **good}], "g3")
    batch = decode_batch([("m1", m1), ("m2", m2), ("m3", m3), ("m4", m4)], T0, DAY)
    assert sorted(batch.by_tag) == ["a", "b", "c", "d"]
    assert [r.ts for r in batch.by_tag["a"]] == [T0, T0 - 5]  # evaluation sorts; decoding keeps arrival order
    assert [r.ts for r in batch.by_tag["d"]] == [T0, T0 + 2, T0 + 1]
    assert batch.origin("a") == ("e1", "g1", {"m1", "m2"})
    assert batch.origin("c") == ("e1", "g2", {"m2"})
    assert batch.origin("b") == ("e1", "g1", {"m1"})  # e2's reading of e1's tag went to quarantine
    assert batch.origin("d") == ("e2", "g3", {"m3", "m4"})
    assert [(r[2], r[3].reason, r[3].tag_id) for r in batch.rejected] == [("m3", "tag_in_two_enterprises", "b")]
    assert batch.readings == 7
    assert batch.gateways() == {"g1": ("e1", 1), "g2": ("e1", 1), "g3": ("e2", 2)}


def test_import_app_leaves_the_typed_decoder_to_the_ingest_lambda():
    """Every cold start imports app; only the ingest Lambda needs msgspec (docs/telemetry.md)."""
    import subprocess
    import sys

    probe = (
        "import sys, app; loaded = 'msgspec' in sys.modules; "
        "from chalicelib.telemetry.domain import decode_batch; decode_batch([('m', b'{}')], 0, 1); "
        "print(loaded, 'msgspec' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"]
