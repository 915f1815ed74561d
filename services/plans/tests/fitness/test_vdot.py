"""The equations against points of Daniels' published VDOT table (Daniels' Running
Formula): race times for 5 km, 10 km, half marathon and marathon."""

from __future__ import annotations

import pytest

from runnerly_plans.fitness.vdot import (
    oxygen_cost,
    predict_time,
    riegel,
    vdot_from_race,
    velocity_for_oxygen,
)

FIVE_K, TEN_K, HALF, MARATHON = 5000.0, 10000.0, 21097.5, 42195.0


def seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


# (VDOT, distance, time) as printed in the table.
PUBLISHED = [
    (30, FIVE_K, "30:40"), (30, TEN_K, "63:46"), (30, HALF, "2:21:04"),
    (30, MARATHON, "4:49:17"),
    (35, FIVE_K, "27:00"), (35, TEN_K, "56:03"), (35, MARATHON, "4:16:03"),
    (38, FIVE_K, "25:12"), (38, MARATHON, "3:59:35"),
    (40, FIVE_K, "24:08"), (40, TEN_K, "50:03"), (40, HALF, "1:50:59"),
    (40, MARATHON, "3:49:45"),
    (45, FIVE_K, "21:50"), (45, TEN_K, "45:16"), (45, MARATHON, "3:28:26"),
    (47, FIVE_K, "21:02"), (47, MARATHON, "3:21:00"),
    (50, FIVE_K, "19:57"), (50, TEN_K, "41:21"), (50, HALF, "1:31:35"),
    (50, MARATHON, "3:10:49"),
    (52, FIVE_K, "19:17"), (52, MARATHON, "3:04:36"),
    (55, FIVE_K, "18:22"), (55, TEN_K, "38:06"), (55, MARATHON, "2:56:01"),
    (58, FIVE_K, "17:33"), (58, MARATHON, "2:48:14"),
    (60, FIVE_K, "17:03"), (60, TEN_K, "35:22"), (60, HALF, "1:18:09"),
    (60, MARATHON, "2:43:25"),
    (63, FIVE_K, "16:20"), (63, MARATHON, "2:36:44"),
    (65, FIVE_K, "15:54"), (65, TEN_K, "33:01"), (65, MARATHON, "2:32:35"),
    (68, FIVE_K, "15:18"), (68, MARATHON, "2:26:47"),
    (70, FIVE_K, "14:55"), (70, TEN_K, "31:00"), (70, HALF, "1:08:21"),
    (70, MARATHON, "2:23:10"),
    (75, FIVE_K, "14:03"),
]


@pytest.mark.parametrize(("vdot", "distance_m", "time"), PUBLISHED)
def test_vdot_of_a_published_result_is_within_half_a_point(
    vdot: int, distance_m: float, time: str
) -> None:
    assert vdot_from_race(distance_m, seconds(time)) == pytest.approx(vdot, abs=0.5)


@pytest.mark.parametrize(("vdot", "distance_m", "time"), PUBLISHED)
def test_predicted_time_matches_the_table(vdot: int, distance_m: float, time: str) -> None:
    # Half a VDOT point is ~1 % of the time; the table rounds to the second.
    assert predict_time(distance_m, vdot) == pytest.approx(seconds(time), rel=0.01)


def test_the_issue_examples_are_both_vdot_50() -> None:
    assert round(vdot_from_race(FIVE_K, seconds("19:57"))) == 50
    assert round(vdot_from_race(MARATHON, seconds("3:10:49"))) == 50


@pytest.mark.parametrize("vdot", [31.3, 42.0, 57.7, 80.0])
@pytest.mark.parametrize("distance_m", [1500.0, FIVE_K, HALF, MARATHON])
def test_prediction_inverts_the_vdot(vdot: float, distance_m: float) -> None:
    assert vdot_from_race(distance_m, predict_time(distance_m, vdot)) == pytest.approx(
        vdot, abs=0.01
    )


def test_a_higher_vdot_predicts_a_faster_time() -> None:
    times = [predict_time(TEN_K, vdot) for vdot in range(30, 86)]
    assert times == sorted(times, reverse=True)


def test_velocity_for_oxygen_inverts_the_cost() -> None:
    for velocity in (150.0, 200.0, 268.0, 350.0):
        assert velocity_for_oxygen(oxygen_cost(velocity)) == pytest.approx(velocity)


def test_riegel_uses_the_1_06_exponent() -> None:
    # 20:00 for 5 km → 10 km in 20 x 2^1.06 minutes = 41:42.
    assert riegel(FIVE_K, 1200, TEN_K) == pytest.approx(1200 * 2**1.06)
    assert round(riegel(FIVE_K, 1200, TEN_K)) == 41 * 60 + 42


def test_riegel_and_vdot_agree_closely_on_nearby_distances() -> None:
    vdot_10k = predict_time(TEN_K, vdot_from_race(FIVE_K, seconds("19:57")))
    assert riegel(FIVE_K, seconds("19:57"), TEN_K) == pytest.approx(vdot_10k, rel=0.02)


@pytest.mark.parametrize(("distance", "time"), [(0.0, 100.0), (5000.0, 0.0), (-1.0, 5.0)])
def test_a_result_without_distance_or_time_is_refused(distance: float, time: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        vdot_from_race(distance, time)
