"""Training paces against Daniels' table at VDOT 50 and across VDOTs."""

from __future__ import annotations

import pytest

from runnerly_plans.fitness.paces import training_paces


def test_vdot_50_paces_hold_the_published_ones() -> None:
    paces = training_paces(50)
    # Published for VDOT 50: E 4:55-5:29, M 4:32, T 4:15, I 3:52, R 1:28 a 400 (3:40).
    assert paces.easy.contains(4 * 60 + 55 + 1)
    assert paces.easy.contains(5 * 60 + 29 - 1)
    assert paces.marathon.fast_s_per_km == pytest.approx(4 * 60 + 32, abs=2)
    assert paces.threshold.fast_s_per_km == pytest.approx(4 * 60 + 15, abs=2)
    assert paces.interval.contains(3 * 60 + 52)
    assert paces.repetition.contains(3 * 60 + 40)


@pytest.mark.parametrize("vdot", [30, 40, 50, 60, 70, 80])
def test_zones_are_ordered_from_slow_to_fast(vdot: float) -> None:
    paces = training_paces(vdot)
    zones = [paces.recovery, paces.easy, paces.marathon, paces.threshold, paces.interval,
             paces.repetition]
    for zone in zones:
        assert zone.slow_s_per_km > zone.fast_s_per_km
    middles = [zone.middle_s_per_km for zone in zones]
    assert middles == sorted(middles, reverse=True)


def test_a_fitter_runner_gets_faster_paces() -> None:
    assert training_paces(55).threshold.fast_s_per_km < training_paces(45).threshold.fast_s_per_km
