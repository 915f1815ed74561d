"""A runner's write stores nothing once their account is gone, even when their token was
checked just before the deletion committed (an upload still being sent as the runner deletes
their account, in another tab).

Every endpoint that a runner's writing scope opens holds the runner's revocation lock in
the request's own transaction (``require_user(..., writes=True)``), or is named below with
how it keeps the rule: a path that calls a peer between short transactions of its own
admits the runner in the one that stores (``Revocations.ensure_admitted``), and a path that
only removes has nothing to leave behind. A new endpoint is one or the other before it
passes. Read from each service's app as it is built, the way its contract is.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from runnerly.contracts import service_app
from runnerly.topology import SERVICES

RouteKey = tuple[str, str, str]  # service, method, path

KEEPS_THE_RULE_ITSELF: dict[RouteKey, str] = {
    ("tokendealer", "DELETE", "/accounts/me"): "the deletion itself",
    ("ingest", "POST", "/strava/callback"): "stores the link once Strava has answered, "
    "in a transaction that admits the runner",
    ("ingest", "DELETE", "/strava"): "only removes the link and its runs",
    ("plans", "POST", "/plans"): "stores the plan once the dataservice has answered, "
    "in a transaction that admits the runner",
    ("plans", "DELETE", "/plans/{plan_id}"): "only removes",
    ("plans", "POST", "/plans/{plan_id}/regenerate"): "rewrites a plan it locks and reads "
    "again once the dataservice has answered: a forgotten runner has none (404)",
    ("reports", "PUT", "/reports/subscription"): "the subscription admits the runner "
    "wherever it is set from (this endpoint, or a mailed link)",
    ("reports", "POST", "/reports/{month}/send"): "builds and mails in transactions of its "
    "own, each admitting the runner",
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """The functions a route depends on, however deep (security schemes are objects)."""
    for dependency in dependant.dependencies:
        if inspect.isfunction(dependency.call):
            yield dependency.call
        yield from _calls(dependency)


def _runner_writes(service: str) -> dict[RouteKey, bool]:
    """Each endpoint a runner's writing scope opens: whether the request's transaction
    admits the runner."""
    found: dict[RouteKey, bool] = {}
    with service_app(service) as app:
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute):
                continue
            calls = list(_calls(route.dependant))
            names = {call.__qualname__ for call in calls}
            scopes = {
                scope
                for call in calls
                if call.__qualname__ == "require_scopes.<locals>.dependency"
                for scope in inspect.getclosurevars(call).nonlocals["scopes"]
            }
            runner_only = any(name.startswith("require_user.<locals>.") for name in names)
            if runner_only and any(not scope.endswith(":read") for scope in scopes):
                for method in route.methods or ():
                    found[(service, method, route.path)] = (
                        "require_user.<locals>.writer" in names
                    )
    return found


@pytest.fixture(scope="module")
def runner_writes() -> dict[RouteKey, bool]:
    return {key: admits for service in SERVICES for key, admits in _runner_writes(service).items()}


def test_every_runner_write_admits_the_runner_in_its_transaction_or_says_how_it_keeps_the_rule(
    runner_writes: dict[RouteKey, bool],
) -> None:
    unguarded = sorted(
        key for key, admits in runner_writes.items()
        if not admits and key not in KEEPS_THE_RULE_ITSELF
    )
    assert unguarded == [], (
        "these endpoints store for a runner without admitting them: use "
        "require_user(..., writes=True), or admit them where the write is made"
    )
    # The writers found at all: a change in how routes are read would otherwise pass.
    assert sum(runner_writes.values()) >= 5


def test_no_endpoint_named_as_keeping_the_rule_itself_has_gone_or_changed(
    runner_writes: dict[RouteKey, bool],
) -> None:
    stale = sorted(key for key in KEEPS_THE_RULE_ITSELF if runner_writes.get(key) is not False)
    assert stale == []
