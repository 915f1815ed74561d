"""The runs list sorted, filtered and searched: every sort and direction pages through all
the runs once each, the month filter follows the runner's time zone, and a search takes
its text literally."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

Headers = dict[str, str]
RunBuilder = Callable[..., dict[str, Any]]
PostRuns = Callable[[list[dict[str, Any]]], Any]
PROBLEM = "application/problem+json"


def _varied_runs(make_run: RunBuilder, count: int) -> list[dict[str, Any]]:
    """Runs with many ties on each sort key (same start, same distance, same pace), and
    some of no distance (no pace), so that only the id tells them apart. Runs that start
    together differ in distance: else they would be one activity, stored once."""
    chance = random.Random(15)
    start = datetime(2025, 1, 1, 6, tzinfo=UTC)
    runs = []
    distances: list[float] = []
    for number in range(count):
        if number % 3 == 0:
            distances = chance.sample([0.0, 5000.0, 10_000.0, 21_097.5, 7_321.4], 3)
        moving = chance.choice([1500, 1500, 3000, 3001, 6000])
        started = start + timedelta(hours=(number // 3) * 61)
        runs.append(
            make_run(
                f"r{number}",
                name=f"Run {number}",
                started_at=started.isoformat(),
                distance_m=distances[number % 3],
                moving_time_s=moving,
                elapsed_time_s=moving + 10,
            )
        )
    return runs


def _all_pages(client: TestClient, headers: Headers, **params: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        response = client.get("/runs", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def _pace(item: dict[str, Any]) -> float:
    distance = item["distance_m"]
    return item["moving_time_s"] / distance if distance > 0 else float("inf")


KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "date": lambda item: datetime.fromisoformat(item["started_at"]),
    "distance": lambda item: item["distance_m"],
    "pace": _pace,
}


@pytest.mark.parametrize("order", ["desc", "asc"])
@pytest.mark.parametrize("sort", ["date", "distance", "pace"])
def test_every_sort_pages_through_every_run_once_in_order(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    sort: str,
    order: str,
) -> None:
    runs = _varied_runs(make_run, 300)
    post_runs(runs)
    post_runs([make_run("other", runner_id="bob")])

    seen = _all_pages(client, alice, sort=sort, order=order)

    assert sorted(item["external_id"] for item in seen) == sorted(r["external_id"] for r in runs)
    key = KEYS[sort]
    expected = sorted(seen, key=lambda item: (key(item), item["id"]), reverse=order == "desc")
    assert [item["id"] for item in seen] == [item["id"] for item in expected]


def test_the_first_page_tells_the_total_of_the_runs_that_match(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    post_runs(
        [
            make_run(
                str(n),
                name=f"Tempo {n}" if n % 3 else f"Easy {n}",
                started_at=f"2026-03-{n + 1:02d}T07:00:00Z",
            )
            for n in range(25)
        ]
    )

    first = client.get("/runs", params={"limit": 5}, headers=alice).json()
    searched = client.get("/runs", params={"limit": 5, "q": "tempo"}, headers=alice).json()
    nothing = client.get("/runs", params={"q": "marathon"}, headers=alice).json()

    assert first["total"] == 25
    assert searched["total"] == 16
    assert nothing == {"items": [], "next_cursor": None, "total": 0}


def test_a_month_is_the_runners_own_month(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    assert client.patch(
        "/profile", json={"time_zone": "Pacific/Auckland"}, headers=alice
    ).status_code == 200
    post_runs(
        [
            # 1 March 2026, 00:30 in Auckland (UTC+13): still February in UTC.
            make_run("march-first", started_at="2026-02-28T11:30:00Z"),
            # 28 February, 23:30 in Auckland.
            make_run("february-last", started_at="2026-02-28T10:30:00Z"),
            # 31 December 2025 23:00 in Auckland; 2025 there, 2025 in UTC too.
            make_run("year-end", started_at="2025-12-31T10:00:00Z"),
            # 1 January 2026 00:10 in Auckland: 2025 in UTC.
            make_run("new-year", started_at="2025-12-31T11:10:00Z"),
        ]
    )

    def ids(**params: Any) -> list[str]:
        response = client.get("/runs", params=params, headers=alice)
        assert response.status_code == 200, response.text
        return sorted(item["external_id"] for item in response.json()["items"])

    assert ids(year=2026, month=3) == ["march-first"]
    assert ids(year=2026, month=2) == ["february-last"]
    assert ids(year=2026) == ["february-last", "march-first", "new-year"]
    assert ids(year=2025) == ["year-end"]
    assert ids(year=2025, month=12) == ["year-end"]
    assert ids(year=2026, month=1) == ["new-year"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("100%", ["100% effort"]),
        ("%", ["100% effort"]),
        ("_", ["snake_case"]),
        ("a_c", []),
        ("\\", ["back\\slash"]),
        ("ÉTÉ", ["Été à Paris"]),
        ("Ete", []),
        ("Été", ["Été à Paris"]),
        ("été", ["Été à Paris"]),
        ("paris", ["Été à Paris"]),
        ("雨", ["雨の朝"]),
        ("'; drop table runs; --", []),
    ],
)
def test_a_search_takes_its_text_literally_and_ignores_case(
    client: TestClient,
    alice: Headers,
    make_run: RunBuilder,
    post_runs: PostRuns,
    search: str,
    expected: list[str],
) -> None:
    names = ["100% effort", "snake_case", "abc", "back\\slash", "Été à Paris", "雨の朝", "Plain"]
    post_runs(
        [
            make_run(str(n), name=name, started_at=f"2026-03-{n + 1:02d}T07:00:00Z")
            for n, name in enumerate(names)
        ]
    )

    response = client.get("/runs", params={"q": search}, headers=alice)

    assert response.status_code == 200, response.text
    assert sorted(item["name"] for item in response.json()["items"]) == sorted(expected)


def test_filters_and_a_search_page_together(
    client: TestClient, alice: Headers, make_run: RunBuilder, post_runs: PostRuns
) -> None:
    runs = _varied_runs(make_run, 120)
    post_runs(runs)

    seen = _all_pages(client, alice, sort="distance", order="asc", year=2025, q="Run 1")

    wanted = {
        r["external_id"]
        for r in runs
        if r["name"].startswith("Run 1") and r["started_at"].startswith("2025")
    }
    assert {item["external_id"] for item in seen} == wanted
    assert len(seen) == len(wanted)


def test_bad_sorts_and_filters_are_refused(client: TestClient, alice: Headers) -> None:
    first = client.get("/runs", params={"limit": 1}, headers=alice)
    assert first.status_code == 200
    for params in (
        {"sort": "name"},
        {"order": "sideways"},
        {"month": 3},  # a month needs its year
        {"month": 13, "year": 2026},
        {"year": 10_000},
        {"q": ""},
        {"q": "x" * 101},
        # A date cursor is not a distance's.
        {"sort": "distance", "cursor": "WyIyMDI2LTAzLTAxVDA3OjAwOjAwKzAwOjAwIiwxXQ"},
        {"sort": "date", "cursor": "WyJkaXN0YW5jZSIsNTAwMC4wLDFd"},
    ):
        response = client.get("/runs", params=params, headers=alice)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == PROBLEM
