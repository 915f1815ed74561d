"""The dataservice, as plans read it: a runner's profile, races, runs, weekly totals and
best efforts, read with this service's own token for the runner it names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

import structlog

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import ServiceClient
from runnerly_plans.fitness.current import Effort

log = structlog.get_logger()

PAGE_SIZE = 100


@dataclass(frozen=True)
class Profile:
    time_zone: str
    vo2max: float | None
    units: Literal["km", "mi"] = "km"


@dataclass(frozen=True)
class Race:
    id: int
    name: str
    date: date
    distance_m: float


@dataclass(frozen=True)
class Run:
    id: int
    started_at: datetime
    distance_m: float
    moving_time_s: int
    # (distance_m, time_s) of each split, in order; empty when the run has none or was
    # read from a listing.
    splits: tuple[tuple[float, float], ...] = ()

    def as_effort(self) -> Effort:
        return Effort(self.distance_m, self.moving_time_s, self.started_at, self.id)


@dataclass(frozen=True)
class WeekTotal:
    start: date
    distance_m: float


class Dataservice(Protocol):
    """What plans need from the dataservice; tests serve it from a fake dataservice."""

    def profile(self, runner_id: str) -> Profile: ...

    def race(self, runner_id: str, race_id: int) -> Race | None: ...

    def best_efforts(self, runner_id: str, after: datetime) -> list[Effort]: ...

    def runs(self, runner_id: str, after: datetime, limit: int) -> list[Run]: ...

    def run(self, runner_id: str, run_id: int) -> Run | None: ...

    def weekly_distances(self, runner_id: str, first: date, last: date) -> list[WeekTotal]: ...

    def close(self) -> None: ...


class HttpDataservice:
    """The dataservice over HTTP. Its refusals and failures are ``ServiceUnavailable``:
    every request here is one this service made, so a 4xx is a broken contract."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def _get(self, path: str, params: dict[str, Any], *, missing_ok: bool = False
             ) -> dict[str, Any] | None:
        response = self.client.request("GET", path, params=params)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            log.error("dataservice.read_failed", path=path, status=response.status_code,
                      body=response.text[:300])
            raise ServiceUnavailable(
                f"The dataservice could not be read ({response.status_code} on {path})."
            )
        try:
            body: dict[str, Any] = response.json()
        except ValueError as exc:
            raise ServiceUnavailable("The dataservice answered in an unexpected shape.") from exc
        return body

    def profile(self, runner_id: str) -> Profile:
        body = self._get("/profile", {"runner_id": runner_id})
        assert body is not None
        with _contract():
            vo2max = body.get("vo2max")
            return Profile(str(body.get("time_zone") or "UTC"),
                           float(vo2max) if vo2max is not None else None,
                           "mi" if body.get("units") == "mi" else "km")

    def race(self, runner_id: str, race_id: int) -> Race | None:
        body = self._get(f"/races/{race_id}", {"runner_id": runner_id}, missing_ok=True)
        if body is None:
            return None
        with _contract():
            return Race(int(body["id"]), str(body["name"]), date.fromisoformat(body["date"]),
                        float(body["distance_m"]))

    def best_efforts(self, runner_id: str, after: datetime) -> list[Effort]:
        body = self._get("/records", {"runner_id": runner_id, "after": after.isoformat()},
                         missing_ok=True)
        if body is None:
            # A dataservice from before records existed: fitness falls back to whole runs.
            log.warning("dataservice.records_unavailable")
            return []
        with _contract():
            return [
                Effort(
                    float(item["distance_m"]),
                    float(item["elapsed_time_s"]),
                    _datetime(item.get("started_at")),
                    item.get("run_id"),
                )
                for item in body["items"]
            ]

    def runs(self, runner_id: str, after: datetime, limit: int) -> list[Run]:
        runs: list[Run] = []
        params: dict[str, Any] = {
            "runner_id": runner_id, "after": after.isoformat(), "limit": PAGE_SIZE,
        }
        while len(runs) < limit:
            body = self._get("/runs", params)
            assert body is not None
            with _contract():
                runs.extend(_run(item) for item in body["items"])
            cursor = body.get("next_cursor")
            if not cursor:
                break
            params["cursor"] = cursor
        return runs[:limit]

    def run(self, runner_id: str, run_id: int) -> Run | None:
        body = self._get(f"/runs/{run_id}", {"runner_id": runner_id}, missing_ok=True)
        if body is None:
            return None
        with _contract():
            return _run(body)

    def weekly_distances(self, runner_id: str, first: date, last: date) -> list[WeekTotal]:
        body = self._get("/stats", {"runner_id": runner_id, "period": "week",
                                    "from": first.isoformat(), "to": last.isoformat()})
        assert body is not None
        with _contract():
            return [
                WeekTotal(date.fromisoformat(bucket["start"]), float(bucket["distance_m"]))
                for bucket in body["buckets"]
            ]


@contextmanager
def _contract() -> Iterator[None]:
    """A body missing what the contract promises is a failing peer, not our 500."""
    try:
        yield
    except (KeyError, TypeError, ValueError) as exc:
        log.error("dataservice.unexpected_answer", error=repr(exc)[:300])
        raise ServiceUnavailable("The dataservice answered in an unexpected shape.") from exc


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _run(item: dict[str, Any]) -> Run:
    started = datetime.fromisoformat(str(item["started_at"]))
    splits = tuple(
        (float(split["distance_m"]),
         float(split.get("moving_time_s") or split["elapsed_time_s"]))
        for split in item.get("splits") or ()
    )
    return Run(int(item["id"]), started, float(item["distance_m"]), int(item["moving_time_s"]),
               splits)

