"""Property, end to end under moto: the ingest Lambda never fails on input. Arbitrary JSON in any field of any
message of a batch is evaluated or quarantined (one bounded row per message), the Lambda reports no failure,
and a good HH reading in the same batch still raises its alarm."""

from __future__ import annotations

import itertools
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.core.ids import is_id
from chalicelib.telemetry import caches, handlers, store
from chalicelib.telemetry import service as telemetry
from local.poller import sqs_event
from tests.support import batch, make_park, message, now
from tests.unit.test_decode_properties import json_values

_n = itertools.count()


def _field(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, json_values)


def _messages(enterprise: str, tags: list[str]) -> st.SearchStrategy[str]:
    t = now()
    reading = st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "tag_id": _field(st.sampled_from([*tags, "NO-SUCH-TAG", "t" * 65])),
                "ts": _field(st.integers(min_value=t - 60_000, max_value=t)),
                "value": _field(
                    st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -1e308, 5e-324])
                ),
                "quality": _field(st.sampled_from(["good", "bad", "uncertain"])),
            },
        ),
        json_values,
    )
    message = st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "_topic_enterprise": _field(st.sampled_from([enterprise, "ent_other"])),
                "gateway_id": _field(st.just("gw-1")),
                "readings": _field(st.lists(reading, max_size=6)),
                "_payload_topic_enterprise": json_values,
            },
        ),
        json_values,
    )
    return st.one_of(message.map(json.dumps), st.text(max_size=60))


def _rows_of(message_ids: set[str], partitions: set[str]) -> list[Any]:
    rows = []
    for partition in partitions:
        rows += [r for r in store.QuarantineModel.query(partition, consistent_read=True) if r.message_id in message_ids]
    return rows


@pytest.fixture
def park(api: Any) -> Any:
    caches.reset_caches()
    yield make_park(api)
    caches.reset_caches()


def test_any_batch_is_evaluated_or_quarantined_and_good_readings_still_alarm(api, park, monkeypatch):
    results: list[telemetry.BatchResult] = []
    real = telemetry.ingest

    def spy(records: list[tuple[str, bytes]]) -> telemetry.BatchResult:
        results.append(real(records))
        return results[-1]

    monkeypatch.setattr(handlers.service, "ingest", spy)
    tags = [park.tag, park.temp_tag]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_messages(park.enterprise_id, tags), max_size=5))
    def check(bodies: list[str]) -> None:
        fresh = f"{park.enterprise_id}-PT-{next(_n)}"
        created = api.post(
            "/sensors",
            role="park_admin",
            json={
                "id": fresh,
                "enterprise_id": park.enterprise_id,
                "installation_id": park.installation_id,
                "name": "储罐压力",
                "kind": "pressure",
                "unit": "MPa",
                "location": {"lat": 31.9512, "lon": 120.9052},
                "limits": {"h": 1.0, "hh": 1.5},
            },
        )
        assert created.status_code == 201, created.json
        good = json.dumps(
            {
                "_topic_enterprise": park.enterprise_id,
                "gateway_id": "gw-1",
                "readings": [{"tag_id": fresh, "ts": now(), "value": 2.0}],
            }
        )
        batch = [good, *bodies]
        ids = [f"poison-{next(_n)}" for _ in batch]
        event = sqs_event(
            [{"MessageId": i, "ReceiptHandle": i, "Body": b} for i, b in zip(ids, batch, strict=True)],
            "arn:aws:sqs:us-east-1:123456789012:telemetry",
            "us-east-1",
        )
        reply = handlers.ingest_telemetry(event, None)
        assert reply == {"batchItemFailures": []}
        result = results[-1]
        assert result.evaluated + result.quarantined + result.set_aside == result.sent
        assert result.set_aside == 0

        partitions = {"_unknown"}
        for body in batch:
            try:
                doc = orjson.loads(body)
            except orjson.JSONDecodeError:
                continue
            if isinstance(doc, dict) and is_id(doc.get("_topic_enterprise")):
                partitions.add(doc["_topic_enterprise"])
        rows = _rows_of(set(ids), partitions)
        assert len(rows) <= len(batch) and len({r.message_id for r in rows}) == len(rows)
        assert sum(int(r.rejected) for r in rows) == result.quarantined

        alarms = api.get(f"/alarms?tag_id={fresh}", role="park_admin").json["items"]
        assert sorted(a["condition"] for a in alarms) == ["H", "HH"]  # one HH reading raises both

    check()
    assert len(results) >= 40


def test_a_tag_whose_evaluation_raises_is_quarantined_and_the_rest_of_the_batch_alarms(api, park, monkeypatch):
    """Defence in depth: a bug in the evaluator triggered by one tag's readings must not poison the batch."""
    from chalicelib.telemetry import domain

    real = domain.evaluate_batch

    def fails_on_temperature(by_tag, configs):
        if park.temp_tag in by_tag:
            raise ArithmeticError("evaluator bug")
        return real(by_tag, configs)

    monkeypatch.setattr(telemetry.domain, "evaluate_batch", fails_on_temperature)
    t = now()
    body = message(park.enterprise_id, [(park.tag, t, 3.0), (park.temp_tag, t, 95.0)])
    result = telemetry.ingest(batch(body))
    assert result.retry == [] and result.evaluated == 1 and result.quarantined == 1
    assert {a["condition"] for a in api.get(f"/alarms?tag_id={park.tag}", role="park_admin").json["items"]} == {
        "H",
        "HH",
    }
    rows = api.get(f"/telemetry/quarantine?enterprise_id={park.enterprise_id}", role="park_admin").json["items"]
    assert rows[0]["reasons"] == {"evaluation_failed": 1} and rows[0]["samples"][0]["tag_id"] == park.temp_tag
