"""The peers a report is built from, as this service reads them: the dataservice (profile,
runs, monthly totals, best efforts, races), the plans service (adherence) and tokendealer
(the accounts to send to). Each is a small client behind a Protocol, so that tests and the
benchmark can serve the same JSON from a fake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Literal, Protocol, TypeVar

import httpx
import structlog
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from runnerly_kit.errors import NotFound, ServiceUnavailable
from runnerly_kit.http import ServiceClient

log = structlog.get_logger()

# The dataservice's page size maximum for runs.
RUNS_PAGE = 100
# A month holds a few hundred runs at most; past this many pages something is wrong.
MAX_PAGES = 50


class PeerModel(BaseModel):
    # Peers may add fields; a report reads only what it needs.
    model_config = ConfigDict(extra="ignore")


PeerModelT = TypeVar("PeerModelT", bound=PeerModel)


class Profile(PeerModel):
    display_name: str | None = None
    units: Literal["km", "mi"] = "km"
    time_zone: str = "UTC"
    language: str | None = None  # null: not chosen, written in English


class Run(PeerModel):
    id: int
    name: str
    started_at: AwareDatetime
    distance_m: float
    moving_time_s: int
    elapsed_time_s: int
    elevation_gain_m: float | None = None


class MonthTotals(PeerModel):
    """One bucket of ``GET /stats?period=month``: a month on the runner's clock."""

    start: date
    runs: int
    distance_m: float
    moving_time_s: int
    elevation_gain_m: float


class BestEffort(PeerModel):
    distance: str
    distance_m: float
    elapsed_time_s: int
    run_id: int
    started_at: AwareDatetime


class Race(PeerModel):
    id: int
    name: str
    date: date
    distance_m: float
    entered: bool = False


class PlanWorkout(PeerModel):
    date: date
    kind: str
    # Whether a run was matched to it: "done", "missed", or not yet ("planned").
    status: str = "planned"


class PlanWeek(PeerModel):
    workouts: list[PlanWorkout] = []


class Plan(PeerModel):
    """A plan as the plans service shows it (``GET /plans/{id}``): weeks of workouts."""

    id: int
    race_name: str
    weeks: list[PlanWeek] = []

    @property
    def name(self) -> str:
        return self.race_name

    @property
    def workouts(self) -> list[PlanWorkout]:
        return [workout for week in self.weeks for workout in week.workouts]


class Account(PeerModel):
    user_id: str
    email: str


class RunnerData(Protocol):
    """What a report reads of a runner at the dataservice."""

    def profile(self, runner_id: str) -> Profile: ...

    def runs(self, runner_id: str, after: datetime, before: datetime) -> list[Run]: ...

    def monthly_totals(self, runner_id: str, first: date, last: date) -> list[MonthTotals]: ...

    def best_efforts(
        self, runner_id: str, after: datetime | None, before: datetime
    ) -> list[BestEffort]: ...

    def upcoming_races(self, runner_id: str) -> list[Race]: ...


class PlanData(Protocol):
    def plans(self, runner_id: str) -> list[Plan] | None:
        """The runner's plans with their workouts; None when the plans service cannot tell."""
        ...


class AccountData(Protocol):
    def accounts(self, page_size: int) -> Iterator[list[Account]]:
        """Every confirmed account, a page at a time."""
        ...

    def email_of(self, token: str) -> str:
        """The address of the runner whose token this is."""
        ...


def _json(response: httpx.Response, peer: str, what: str) -> Any:
    if response.status_code != 200:
        log.warning("peer.refused", peer=peer, what=what, status=response.status_code,
                    body=response.text[:300])
        raise ServiceUnavailable(f"The {peer} service refused to give {what} "
                                 f"({response.status_code}).")
    return response.json()


def _parse(model: type[PeerModelT], data: Any, peer: str) -> PeerModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        log.error("peer.unexpected_answer", peer=peer, error=str(exc)[:500])
        raise ServiceUnavailable(f"The {peer} service answered in an unexpected shape.") from exc


class DataserviceClient:
    """The dataservice, read with this service's own token for the runner it names."""

    name = "dataservice"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def _get(self, path: str, what: str, params: dict[str, str | int]) -> Any:
        return _json(self.client.request("GET", path, params=params), self.name, what)

    def profile(self, runner_id: str) -> Profile:
        data = self._get("/profile", "the profile", {"runner_id": runner_id})
        return _parse(Profile, data, self.name)

    def runs(self, runner_id: str, after: datetime, before: datetime) -> list[Run]:
        runs: list[Run] = []
        params: dict[str, str | int] = {
            "runner_id": runner_id,
            "after": after.isoformat(),
            "before": before.isoformat(),
            "limit": RUNS_PAGE,
        }
        for _ in range(MAX_PAGES):
            page = self._get("/runs", "the runs", params)
            runs.extend(_parse(Run, item, self.name) for item in page["items"])
            if not page.get("next_cursor"):
                return runs
            params["cursor"] = page["next_cursor"]
        raise ServiceUnavailable("The dataservice's runs of the month do not end.")

    def monthly_totals(self, runner_id: str, first: date, last: date) -> list[MonthTotals]:
        data = self._get(
            "/stats",
            "the monthly totals",
            {"runner_id": runner_id, "period": "month", "from": first.isoformat(),
             "to": last.isoformat()},
        )
        return [_parse(MonthTotals, bucket, self.name) for bucket in data["buckets"]]

    def best_efforts(
        self, runner_id: str, after: datetime | None, before: datetime
    ) -> list[BestEffort]:
        params: dict[str, str | int] = {"runner_id": runner_id, "before": before.isoformat()}
        if after is not None:
            params["after"] = after.isoformat()
        data = self._get("/records", "the best efforts", params)
        return [_parse(BestEffort, item, self.name) for item in data["items"]]

    def upcoming_races(self, runner_id: str) -> list[Race]:
        races: list[Race] = []
        params: dict[str, str | int] = {"runner_id": runner_id, "limit": 100}
        for _ in range(MAX_PAGES):
            page = self._get("/races", "the races", params)
            races.extend(_parse(Race, item, self.name) for item in page["items"])
            if not page.get("next_cursor"):
                break
            params["cursor"] = page["next_cursor"]
        return races


class PlansClient:
    """The plans service. A report without it just has no adherence section, so a plans
    service that is missing, down or answers oddly is logged and tolerated."""

    name = "plans"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def plans(self, runner_id: str) -> list[Plan] | None:
        try:
            listing = self.client.request("GET", "/plans", params={"runner_id": runner_id})
            if listing.status_code != 200:
                log.info("plans.unavailable", status=listing.status_code)
                return None
            plans = []
            for item in listing.json().get("items", []):
                detail = self.client.request(
                    "GET", f"/plans/{int(item['id'])}", params={"runner_id": runner_id}
                )
                if detail.status_code == 200:
                    plans.append(Plan.model_validate(detail.json()))
            return plans
        except (ServiceUnavailable, httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            # ValidationError is a ValueError: a plans service of another shape is ignored.
            log.info("plans.unavailable", error=type(exc).__name__)
            return None


class TokendealerClient:
    name = "tokendealer"

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def accounts(self, page_size: int) -> Iterator[list[Account]]:
        params: dict[str, str | int] = {"limit": page_size}
        while True:
            page = _json(self.client.request("GET", "/accounts", params=params), self.name,
                         "the accounts")
            yield [_parse(Account, item, self.name) for item in page["items"]]
            if not page.get("next_cursor"):
                return
            params["cursor"] = page["next_cursor"]

    def email_of(self, token: str) -> str:
        response = self.client.request("GET", "/accounts/me", token=token)
        if response.status_code == 404:
            raise NotFound("The account was deleted.")
        return str(_json(response, self.name, "the account")["email"])
