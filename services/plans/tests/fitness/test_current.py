from __future__ import annotations

import pytest

from runnerly_plans.fitness.current import (
    DEFAULT_VDOT,
    Effort,
    current_fitness,
    predictions,
)


def test_the_best_effort_wins() -> None:
    efforts = [
        Effort(5000, 25 * 60),  # VDOT ~38
        Effort(10000, 41 * 60 + 21),  # VDOT 50
        Effort(42195, 4 * 3600),  # VDOT ~37
    ]
    fitness = current_fitness(efforts, [Effort(10000, 3000)], 60)
    assert fitness.source == "best_efforts"
    assert fitness.vdot == pytest.approx(50, abs=0.5)
    assert fitness.effort == efforts[1]


def test_efforts_too_short_for_the_equations_are_ignored() -> None:
    fitness = current_fitness([Effort(1000, 170)], [Effort(8000, 40 * 60)], None)
    assert fitness.source == "runs"
    assert fitness.effort == Effort(8000, 40 * 60)


def test_implausible_results_are_ignored() -> None:
    # 10 km in 12 minutes is a GPS glitch, not a world record.
    fitness = current_fitness([Effort(10000, 720)], [], None)
    assert fitness.source == "default"


def test_runs_too_short_to_count_fall_through_to_the_profile() -> None:
    fitness = current_fitness([], [Effort(2000, 600)], 47.5)
    assert (fitness.source, fitness.vdot, fitness.effort) == ("profile", 47.5, None)


def test_nothing_known_is_the_conservative_default() -> None:
    fitness = current_fitness([], [], None)
    assert (fitness.source, fitness.vdot) == ("default", DEFAULT_VDOT)


def test_predictions_by_vdot_and_riegel() -> None:
    fitness = current_fitness([Effort(5000, 19 * 60 + 57)], [], None)
    found = {p.distance: p for p in predictions(fitness)}
    assert list(found) == ["5k", "10k", "half", "marathon"]
    assert found["5k"].vdot_time_s == pytest.approx(19 * 60 + 57, abs=3)
    assert found["marathon"].vdot_time_s == pytest.approx(3 * 3600 + 10 * 60 + 49, rel=0.01)
    assert found["5k"].riegel_time_s == pytest.approx(19 * 60 + 57)
    # Two models, one answer within a percent from 5 km to the marathon.
    for prediction in found.values():
        assert prediction.riegel_time_s == pytest.approx(prediction.vdot_time_s, rel=0.01)


def test_without_an_effort_there_is_no_riegel_prediction() -> None:
    assert all(p.riegel_time_s is None for p in predictions(current_fitness([], [], 40)))
