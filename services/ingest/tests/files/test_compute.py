"""The computing helpers on their own."""

from __future__ import annotations

import math

from runnerly_ingest.files import compute
from runnerly_ingest.files.model import Sample


def test_downsample_keeps_first_and_last_and_the_limit() -> None:
    times = [float(t * t) for t in range(5000)]  # uneven sampling
    picked = compute.downsample_indices(times, 1000)
    assert picked[0] == 0 and picked[-1] == 4999
    assert len(picked) <= 1000
    assert picked == sorted(set(picked))
    assert compute.downsample_indices([0.0, 1.0, 2.0], 1000) == [0, 1, 2]


def test_simplify_keeps_corners_and_the_ends() -> None:
    # an L: 300 points east, then 300 north
    line = [(46.0, 14.0 + i * 1e-5) for i in range(300)]
    line += [(46.0 + i * 1e-5, 14.0 + 299e-5) for i in range(1, 300)]
    kept = compute.simplify(line, 10)
    assert len(kept) == 10
    assert kept[0] == line[0] and kept[-1] == line[-1]
    assert (46.0, 14.0 + 299e-5) in kept


def test_elevation_gain_ignores_noise_and_counts_climbs() -> None:
    noisy_flat = [Sample(t=float(i), alt=100 + (0.8 if i % 2 else -0.8)) for i in range(600)]
    assert compute.elevation_gain(noisy_flat) == 0
    hill = [Sample(t=float(i), alt=100 + 50 * math.sin(math.pi * i / 600)) for i in range(601)]
    assert abs((compute.elevation_gain(hill) or 0) - 50) < 2
    assert compute.elevation_gain([Sample(t=0.0), Sample(t=1.0)]) is None


def test_moving_time_skips_stops() -> None:
    samples = [Sample(t=float(i), dist=3.0 * min(i, 50)) for i in range(100)]
    assert compute.moving_time(samples) == 50


def test_speed_without_device_speed_is_windowed() -> None:
    samples = [Sample(t=float(i), dist=3.0 * i) for i in range(30)]
    speeds = compute.speeds(samples)
    assert speeds[0] == speeds[1] == 3.0
    assert all(abs((v or 0) - 3.0) < 1e-9 for v in speeds)
