"""The services behind the dashboard, and the one way their answers reach the caller:
successes parsed into the public schemas, 4xx problems relayed unchanged, failures as 503.

The busiest reads (the dataservice's) are relayed on the event loop (``fetch_async``), by
one client of the app's that every request shares; the other calls block a worker thread
(``fetch``, ``call``), as the endpoints that make them are plain functions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
import structlog
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from runnerly_dashboard.config import Settings
from runnerly_kit.errors import RunnerlyError, ServiceUnavailable
from runnerly_kit.http import AsyncServiceClient, ClientCredentials, ServiceClient
from runnerly_kit.runtime import PeerClients, peer_timeout
from runnerly_kit.topology import SERVICES

log = structlog.get_logger()

ModelT = TypeVar("ModelT", bound=BaseModel)

# The scope that lets the dashboard name the browser's address to tokendealer.
RELAY_SCOPE = "accounts:relay"
# A peer's read that takes longer than this is a failing peer, unless the call says more.
DEFAULT_READ_SECONDS = 5.0
# Headers of a peer's read that a browser needs to revalidate its copy.
CACHE_HEADERS = ("ETag", "Cache-Control")
# Headers of a peer's problem that tell the caller what to do next.
PROBLEM_HEADERS = ("Retry-After", "WWW-Authenticate")
_PROBLEM_CORE = frozenset({"title", "status", "detail"})


@dataclass(frozen=True)
class Peers:
    tokendealer: ServiceClient
    # The dashboard's token as the relay of a browser's sign-up, login and reset requests:
    # with it tokendealer believes the browser's address the dashboard forwards.
    relay: ClientCredentials
    dataservice: ServiceClient
    # The same peer for the reads relayed on the event loop.
    dataservice_async: AsyncServiceClient
    mailer: ServiceClient
    ingest: ServiceClient
    plans: ServiceClient
    reports: ServiceClient
    # One-shot clients with a short timeout, so /api/health answers fast when a peer hangs.
    probes: dict[str, ServiceClient]

    def close(self) -> None:
        for client in (
            self.tokendealer, self.dataservice, self.mailer, self.ingest, self.plans,
            self.reports,
            *self.probes.values(),
        ):
            client.close()

    async def aclose(self) -> None:
        await self.dataservice_async.aclose()


def build_peers(settings: Settings, transport: httpx.BaseTransport | None = None) -> Peers:
    """One pooled client per peer; ``transport`` replaces the network (tests). The peers
    but the mailer get the browser's token, forwarded: the dashboard's own asks only for
    the mailbox and, as the relay, for tokendealer."""
    async_transport = transport if isinstance(transport, httpx.AsyncBaseTransport) else None
    if transport is not None and async_transport is None:
        raise TypeError("The peers' transport must serve async clients too (MockTransport does).")
    clients = PeerClients(settings, read_seconds=DEFAULT_READ_SECONDS, transport=transport)
    probe_seconds = settings.health_timeout_seconds
    return Peers(
        tokendealer=clients.client("tokendealer", own_token=False),
        relay=clients.credentials_for(RELAY_SCOPE),
        dataservice=clients.client("dataservice", own_token=False),
        dataservice_async=AsyncServiceClient(
            settings.url_of("dataservice"), "dataservice",
            timeout=peer_timeout(DEFAULT_READ_SECONDS), transport=async_transport,
        ),
        mailer=clients.client("mailer", credentials=clients.credentials_for("mail:read")),
        # Imports carry files (up to 20; parsed later, in the worker): a longer read timeout.
        ingest=clients.client("ingest", read_seconds=60.0, own_token=False),
        # Making a plan reads the runner's recent runs: the dataservice's timeout and more.
        plans=clients.client("plans", read_seconds=30.0, own_token=False),
        # Building a report on request renders its PDF: a longer read timeout.
        reports=clients.client("reports", read_seconds=60.0, own_token=False),
        probes={
            peer: clients.client(peer, read_seconds=probe_seconds, own_token=False, retries=0)
            for peer in SERVICES["dashboard"].peers
        },
    )


class PeerProblem(RunnerlyError):
    """A peer refused the request (4xx): the caller gets the peer's problem as it was."""

    def __init__(self, response: httpx.Response) -> None:
        body = _problem_body(response)
        self.status = response.status_code
        self.title = str(body.get("title") or response.reason_phrase or "Error")
        extra = {key: value for key, value in body.items() if key not in _PROBLEM_CORE}
        super().__init__(str(body.get("detail") or self.title), **extra)
        self.headers = {
            name: response.headers[name] for name in PROBLEM_HEADERS if name in response.headers
        }


def _problem_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def call(
    client: ServiceClient, method: str, path: str, *, token: str | None = None, **kwargs: Any
) -> httpx.Response:
    """Send one request to a peer; the response if it succeeded (2xx or 304)."""
    return _succeeded(client.name, method, path,
                      client.request(method, path, token=token, **kwargs))


async def call_async(
    client: AsyncServiceClient, method: str, path: str, *, token: str | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """``call`` on the event loop."""
    return _succeeded(client.name, method, path,
                      await client.request(method, path, token=token, **kwargs))


def _succeeded(peer: str, method: str, path: str, response: httpx.Response) -> httpx.Response:
    status = response.status_code
    if status < 300 or status == 304:
        return response
    if 400 <= status < 500:
        raise PeerProblem(response)
    log.warning("peer.failed", peer=peer, method=method, path=path, status=status)
    raise ServiceUnavailable(f"The {peer} service failed to answer.")


def parse(response: httpx.Response, model: type[ModelT], peer: str) -> ModelT:
    """The peer's JSON as ``model``; a peer that breaks its contract is a failing peer."""
    try:
        return model.model_validate_json(response.content or b"{}")
    except (ValidationError, json.JSONDecodeError) as exc:
        log.error("peer.unexpected_answer", peer=peer, status=response.status_code,
                  error=str(exc)[:500])
        raise ServiceUnavailable(f"The {peer} service answered in an unexpected shape.") from exc


@dataclass(frozen=True)
class Fetched(Generic[ModelT]):
    """A peer's read: its value, or None when the caller's copy is still current (304)."""

    value: ModelT | None
    headers: dict[str, str]


def fetch(
    client: ServiceClient,
    path: str,
    model: type[ModelT],
    *,
    token: str,
    if_none_match: str | None,
    params: dict[str, str | int] | None = None,
) -> Fetched[ModelT]:
    """A conditional GET: the browser's ``If-None-Match`` goes to the peer, its ETag comes back."""
    headers = {"If-None-Match": if_none_match} if if_none_match else {}
    response = call(client, "GET", path, token=token, params=params, headers=headers)
    return _fetched(response, model, client.name)


async def fetch_async(
    client: AsyncServiceClient,
    path: str,
    model: type[ModelT],
    *,
    token: str,
    if_none_match: str | None,
    params: dict[str, str | int] | None = None,
) -> Fetched[ModelT]:
    """``fetch`` on the event loop."""
    headers = {"If-None-Match": if_none_match} if if_none_match else {}
    response = await call_async(client, "GET", path, token=token, params=params,
                                headers=headers)
    return _fetched(response, model, client.name)


def _fetched(response: httpx.Response, model: type[ModelT], peer: str) -> Fetched[ModelT]:
    cache = {name: response.headers[name] for name in CACHE_HEADERS if name in response.headers}
    if response.status_code == 304:
        return Fetched(None, cache)
    return Fetched(parse(response, model, peer), cache)


def cached(fetched: Fetched[ModelT], response: Response) -> ModelT | Response:
    """The endpoint's answer to a conditional read: 304 with the validators, or the value."""
    if fetched.value is None:
        return Response(status_code=304, headers=fetched.headers)
    response.headers.update(fetched.headers)
    return fetched.value


def relayed(fetched: Fetched[ModelT]) -> Response:
    """``cached``'s answer as it goes out: the value validated on its way in is serialised
    once, here (as FastAPI would: by alias), rather than validated again by the route's
    ``response_model``, which still documents it."""
    if fetched.value is None:
        return Response(status_code=304, headers=fetched.headers)
    return Response(
        fetched.value.model_dump_json(by_alias=True),
        media_type="application/json",
        headers=fetched.headers,
    )
