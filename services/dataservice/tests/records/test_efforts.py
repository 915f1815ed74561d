from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runnerly_dataservice.records.efforts import (
    best_efforts,
    efforts_from_streams,
    efforts_of_whole_run,
    fastest_stretch,
    interval_paces,
)


def steady(pace_s_per_km: float, metres: float, every_s: float = 10.0) -> tuple[
    list[float], list[float]
]:
    """A run at one pace, sampled every ``every_s`` seconds, ending exactly at ``metres``."""
    speed = 1000 / pace_s_per_km
    times = [index * every_s for index in range(math.ceil(metres / speed / every_s))]
    times.append(metres / speed)
    return times, [time * speed for time in times]


def run_efforts(time: list[float] | None, distance: list[float] | None, *,
                sport_type: str = "Run", distance_m: float = 0.0,
                elapsed_time_s: int = 0) -> dict[str, int]:
    return best_efforts(sport_type=sport_type, distance_m=distance_m,
                        elapsed_time_s=elapsed_time_s, time=time, distance=distance)


def test_a_steady_run_has_its_pace_over_every_distance_it_covers() -> None:
    times, distances = steady(300, 12_000)  # 5:00 per km

    assert run_efforts(times, distances) == {"1k": 300, "5k": 1500, "10k": 3000}


def test_a_steady_marathon_covers_the_half_and_the_marathon() -> None:
    times, distances = steady(240, 42_195, every_s=150)  # 1000 points at most

    found = efforts_from_streams(times, distances)

    assert found is not None
    assert found["half"] == pytest.approx(21.0975 * 240)
    assert found["marathon"] == pytest.approx(42.195 * 240)


def test_a_fast_kilometre_in_the_middle_is_the_best_kilometre() -> None:
    # 2 km at 5:00/km, 1 km at 4:00/km, 2 km at 5:00/km, sampled every 50 m.
    times, distances = [0.0], [0.0]
    for step in range(100):
        pace = 240 if 40 <= step < 60 else 300
        times.append(times[-1] + pace / 20)
        distances.append(distances[-1] + 50)

    found = efforts_from_streams(times, distances)

    assert found is not None
    assert found["1k"] == pytest.approx(240)
    assert found["5k"] == pytest.approx(1440)


def test_the_ends_of_a_stretch_are_interpolated_inside_samples() -> None:
    # 300 m at 3 m/s, 600 m at 6 m/s, 600 m at 3 m/s: the best kilometre is the fast
    # 600 m with 400 m at 3 m/s around it, which starts and ends between samples.
    times = [0.0, 100.0, 200.0, 400.0]
    distances = [0.0, 300.0, 900.0, 1500.0]

    assert efforts_from_streams(times, distances) == {"1k": pytest.approx(100 + 400 / 3)}
    assert run_efforts(times, distances) == {"1k": 233}


def test_a_pause_before_the_start_or_after_the_finish_is_not_part_of_the_effort() -> None:
    times = [0.0, 60.0, 310.0, 400.0]
    distances = [0.0, 0.0, 1000.0, 1000.0]

    assert efforts_from_streams(times, distances) == {"1k": pytest.approx(250)}


def test_a_run_that_covers_exactly_the_distance_is_an_effort_over_it() -> None:
    assert efforts_from_streams([0.0, 1190.0], [0.0, 5000.0]) == {
        "1k": pytest.approx(238), "5k": pytest.approx(1190)
    }


def test_a_run_shorter_than_a_kilometre_has_no_effort() -> None:
    times, distances = steady(300, 999)

    assert efforts_from_streams(times, distances) == {}
    assert run_efforts(times, distances, distance_m=999, elapsed_time_s=300) == {}


@pytest.mark.parametrize(
    ("time", "distance"),
    [
        ([], []),
        ([0.0], [0.0]),
        ([0.0, 100.0, 200.0], [0.0, 600.0]),  # not the same length
        ([0.0, 100.0, 90.0, 400.0], [0.0, 400.0, 600.0, 1500.0]),  # time goes back
        ([0.0, 100.0, 100.0, 400.0], [0.0, 400.0, 600.0, 1500.0]),  # time stands still
        ([0.0, 100.0, 200.0, 400.0], [0.0, 700.0, 600.0, 1500.0]),  # distance goes back
        ([0.0, 100.0, math.nan, 400.0], [0.0, 400.0, 600.0, 1500.0]),
        ([0.0, 100.0, 200.0, 400.0], [0.0, 400.0, math.inf, 1500.0]),
        ([0.0, 400.0], [-10.0, 1500.0]),
        (None, [0.0, 1500.0]),
        ([0.0, 400.0], None),
    ],
)
def test_streams_that_cannot_be_a_run_are_not_used(
    time: list[float] | None, distance: list[float] | None
) -> None:
    assert efforts_from_streams(time, distance) is None


def test_without_usable_streams_the_whole_run_stands_for_a_distance_just_under_it() -> None:
    # 5050 m in 1212 s: 2 % over 5 km at most, so a 5 km in 1212 * 5000 / 5050 = 1200 s.
    backwards = run_efforts([0.0, 600.0, 500.0], [0.0, 2000.0, 5050.0],
                            distance_m=5050, elapsed_time_s=1212)
    without = run_efforts(None, None, distance_m=5050, elapsed_time_s=1212)

    assert backwards == without == {"5k": 1200}


def test_a_whole_run_further_from_a_standard_distance_stands_for_none() -> None:
    assert efforts_of_whole_run(5101, 1300) == {}  # over 5 km + 2 %
    assert efforts_of_whole_run(4999, 1300) == {}  # short of 5 km
    assert efforts_of_whole_run(42_195, 0) == {}
    assert efforts_of_whole_run(42_195, 10_800) == {"marathon": pytest.approx(10_800)}
    assert efforts_of_whole_run(21_300, 5400) == {"half": pytest.approx(5400 * 21097.5 / 21300)}


def test_only_running_sets_records() -> None:
    times, distances = steady(150, 6000)  # a ride, at 24 km/h

    for sport_type in ("Run", "TrailRun", "VirtualRun"):
        assert run_efforts(*steady(300, 1000), sport_type=sport_type) == {"1k": 300}
    assert run_efforts(times, distances, sport_type="Ride") == {}
    assert run_efforts(None, None, sport_type="Walk", distance_m=1000, elapsed_time_s=600) == {}


def test_a_gps_jump_counts_as_standing_still() -> None:
    # A GPS jump of 2 km in 10 s in the middle of a steady 5:00/km run.
    times = [0.0, 300.0, 310.0, 610.0, 1210.0]
    distances = [0.0, 1000.0, 3000.0, 4000.0, 6000.0]

    found = run_efforts(times, distances)

    # Without the jump: 4 km at 5:00/km. No 5k: the jump's 2 km were not run (it used to
    # carry a 5k in 910 s, and hid the real kilometres behind a 1k in 10 s).
    assert found == {"1k": 300}


def test_an_effort_faster_than_any_runner_is_a_measurement_error() -> None:
    # No streams to clean: a "5 km" whole run in 6:40 is a mislabelled ride or a bad file.
    assert run_efforts(None, None, distance_m=5000, elapsed_time_s=400) == {}
    assert run_efforts(None, None, distance_m=5000, elapsed_time_s=800) == {"5k": 800}


def _naive_fastest(times: list[float], distances: list[float], target: float) -> float:
    """Every stretch starting or ending on a sample, the other end found by a full scan."""
    best = math.inf
    for index in range(len(times)):
        start_at = distances[index] - target
        for start in range(index):
            if distances[start] <= start_at < distances[start + 1]:
                share = (start_at - distances[start]) / (distances[start + 1] - distances[start])
                best = min(best, times[index] - times[start]
                           - share * (times[start + 1] - times[start]))
        end_at = distances[index] + target
        for end in range(index + 1, len(times)):
            if distances[end - 1] < end_at <= distances[end]:
                share = (end_at - distances[end - 1]) / (distances[end] - distances[end - 1])
                best = min(best, times[end - 1] + share * (times[end] - times[end - 1])
                           - times[index])
    return best


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.floats(1, 60), st.sampled_from([0.0, 5.0, 50.0, 120.0, 333.3])),
        min_size=1,
        max_size=120,
    ),
    target=st.sampled_from([1000.0, 5000.0]),
)
def test_the_sliding_windows_find_what_a_full_scan_finds(
    steps: list[tuple[float, float]], target: float
) -> None:
    times, distances = [0.0], [0.0]
    for seconds, metres in steps:
        times.append(times[-1] + seconds)
        distances.append(distances[-1] + metres)
    expected = _naive_fastest(times, distances, target)

    found = fastest_stretch(times, distances, target, interval_paces(times, distances))

    if math.isinf(expected):
        assert found is None
    else:
        assert found == pytest.approx(expected)


def test_streams_that_stop_short_of_the_runs_distance_leave_it_to_the_whole_run() -> None:
    # A 5.01 km race in 1503 s whose downsampled streams end 20 m before the finish.
    times, distances = steady(300, 4990)

    found = run_efforts(times, distances, distance_m=5010, elapsed_time_s=1503)

    assert found == {"1k": 300, "5k": 1500}  # 1 km from the streams, 5 km from the whole


def test_where_the_streams_reach_they_decide() -> None:
    # 5.05 km in 1212 s in all, but with a fast finish the streams see: 4 km at 5:00/km,
    # then 1.05 km at 3:20/km.
    times = [0.0, 1200.0, 1410.0]
    distances = [0.0, 4000.0, 5050.0]

    found = run_efforts(times, distances, distance_m=5050, elapsed_time_s=1410)

    assert found == {"1k": 200, "5k": 1395}  # not the whole run's 1410 * 5000 / 5050
