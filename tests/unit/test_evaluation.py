"""Per-tag evaluation rules (pure): limits, deadband, delays, ROC, trend, bad quality, staleness, replays."""

from __future__ import annotations

import copy
import random

from chalicelib.telemetry.domain import TagConfig, TagState, evaluate, evaluate_batch, mark_stale
from chalicelib.telemetry.domain.wire import Reading

T0 = 1_795_000_000_000


def run(cfg: TagConfig, values: list[float], step_ms: int = 1000, quality: str = "good", state: TagState | None = None):
    state = state or TagState(cfg.tag_id)
    changes = []
    for i, v in enumerate(values):
        out, _ = evaluate(cfg, state, [Reading(cfg.tag_id, T0 + i * step_ms, v, quality)])
        changes += [(c.condition, c.kind) for c in out]
    return changes, state


def test_h_and_hh_activate_and_clear_with_deadband():
    cfg = TagConfig("t", "e", hh=90, h=80, deadband=2, trend=False)
    changes, _ = run(cfg, [50, 81, 95, 85, 79, 77])
    assert changes == [("H", "activated"), ("HH", "activated"), ("HH", "cleared"), ("H", "cleared")]
    # 79 is inside the deadband of H (80 - 2): H stays active until the value drops below 78


def test_low_limits_mirror_high_ones():
    cfg = TagConfig("t", "e", l=10, ll=5, deadband=1, trend=False)
    changes, _ = run(cfg, [20, 9, 4, 6, 10.5, 11.5])
    assert changes == [("L", "activated"), ("LL", "activated"), ("LL", "cleared"), ("L", "cleared")]


def test_on_delay_needs_the_condition_to_persist():
    cfg = TagConfig("t", "e", h=80, on_delay_ms=3000, trend=False)
    brief, _ = run(cfg, [85, 85, 70, 85, 70])  # never above H for 3 s
    assert brief == []
    held, _ = run(cfg, [85, 85, 85, 85])
    assert held == [("H", "activated")]


def test_off_delay_needs_normal_to_persist():
    cfg = TagConfig("t", "e", h=80, off_delay_ms=2000, trend=False)
    changes, _ = run(cfg, [85, 70, 85, 70, 70, 70])
    assert changes == [("H", "activated"), ("H", "cleared")]


def test_on_delay_start_is_persisted_state():
    cfg = TagConfig("t", "e", h=80, on_delay_ms=5000, trend=False)
    state = TagState("t")
    _, dirty = evaluate(cfg, state, [Reading("t", T0, 85.0, "good")])
    assert dirty and state.persisted()["H"]["p"] == T0  # a restart must not lose the running timer


def test_rate_of_change():
    cfg = TagConfig("t", "e", roc_per_min=10, trend=False)
    changes, _ = run(cfg, [50, 50.1, 51, 60, 60.05, 60.1])  # 9/s = 540/min at the jump
    assert changes == [("ROC", "activated"), ("ROC", "cleared")]


def test_bad_quality_raises_bad_and_skips_limits():
    cfg = TagConfig("t", "e", h=80, trend=False)
    state = TagState("t")
    out, _ = evaluate(cfg, state, [Reading("t", T0, 99.0, "bad")])
    assert [(c.condition, c.kind) for c in out] == [("BAD", "activated")]
    out, _ = evaluate(cfg, state, [Reading("t", T0 + 1000, 50.0, "good")])
    assert [(c.condition, c.kind) for c in out] == [("BAD", "cleared")]


def test_trend_warns_before_the_limit_is_reached():
    cfg = TagConfig("t", "e", h=1.0, hh=2.0, trend_horizon_s=300)
    ramp = [0.02 + 0.008 * i for i in range(200)]  # reaches H after ~120 s
    changes, _ = run(cfg, ramp)
    order = [c for c in changes if c[1] == "activated"]
    assert order[0] == ("TREND", "activated")
    assert ("H", "activated") in order and order.index(("TREND", "activated")) < order.index(("H", "activated"))


def test_no_trend_on_a_flat_noisy_signal():
    cfg = TagConfig("t", "e", h=80, hh=90, l=5, ll=2)
    rng = random.Random(4)
    changes, _ = run(cfg, [40 + rng.gauss(0, 0.5) for _ in range(2000)], step_ms=5000)
    assert changes == []


def test_replays_and_older_readings_are_ignored():
    cfg = TagConfig("t", "e", h=80, trend=False)
    state = TagState("t")
    batch = [Reading("t", T0 + 1000, 85.0, "good"), Reading("t", T0, 50.0, "good")]
    first, _ = evaluate(cfg, state, batch)
    again, dirty = evaluate(cfg, state, list(reversed(batch)))
    assert [(c.condition, c.kind) for c in first] == [("H", "activated")]
    assert again == [] and not dirty


def test_stale_is_raised_once_and_any_reading_clears_it():
    cfg = TagConfig("t", "e", h=80, trend=False)
    state = TagState("t")
    assert mark_stale(state, T0 + 700_000, 600_000, T0) is not None
    assert mark_stale(state, T0 + 800_000, 600_000, T0) is None
    out, dirty = evaluate(cfg, state, [Reading("t", T0 + 900_000, 50.0, "good")])
    assert [(c.condition, c.kind) for c in out] == [("STALE", "cleared")] and dirty


def test_the_fast_path_decides_exactly_like_the_full_evaluation():
    """evaluate_batch's inline shortcut must never change an outcome: compare on random telemetry."""
    rng = random.Random(11)
    tags = [f"T{i}" for i in range(40)]
    configs = {
        t: TagConfig(
            t,
            "e",
            hh=90,
            h=80,
            l=10,
            ll=5,
            deadband=1.5,
            roc_per_min=30 if i % 3 == 0 else None,
            on_delay_ms=2000 if i % 4 == 0 else 0,
        )
        for i, t in enumerate(tags)
    }
    fast = {t: TagState(t) for t in tags}
    slow = copy.deepcopy(fast)
    level = dict.fromkeys(tags, 50.0)
    for step in range(400):
        by_tag = {}
        for t in tags:
            level[t] = min(100.0, max(0.0, level[t] + rng.gauss(0, 4)))
            quality = "bad" if rng.random() < 0.01 else "good"
            by_tag[t] = [Reading(t, T0 + step * 1000, round(level[t], 2), quality)]
        got = evaluate_batch(by_tag, {t: (configs[t], fast[t]) for t in tags})
        expected = {}
        for t, readings in by_tag.items():
            changes, dirty = evaluate(configs[t], slow[t], readings)
            if dirty:
                expected[t] = changes
        assert got == expected, step
    assert {t: s.persisted() for t, s in fast.items()} == {t: s.persisted() for t, s in slow.items()}


def test_the_fast_path_follows_a_changed_configuration():
    """A state armed under one configuration must not wave readings through under a new one."""
    old, new = TagConfig("t", "e", h=80, trend=False), TagConfig("t", "e", h=40, trend=False)
    state = TagState("t")
    assert evaluate_batch({"t": [Reading("t", T0, 50.0, "good")]}, {"t": (old, state)}) == {}
    assert evaluate_batch({"t": [Reading("t", T0 + 1000, 50.5, "good")]}, {"t": (old, state)}) == {}
    got = evaluate_batch({"t": [Reading("t", T0 + 2000, 51.0, "good")]}, {"t": (new, state)})
    assert [(c.condition, c.kind) for c in got["t"]] == [("H", "activated")]
