"""Traces: the context a request starts travels through every hop it causes (a peer's call,
a message relayed from the outbox, the task that consumes it) and into their log lines."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import structlog
from celery import Celery, signals
from celery.contrib.testing.worker import start_worker
from fastapi import APIRouter, FastAPI
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from runnerly_kit import tracing
from runnerly_kit.app import create_app
from runnerly_kit.db import Database
from runnerly_kit.http import AsyncServiceClient, ClientCredentials, ServiceClient
from runnerly_kit.logging import configure_logging, service_var
from runnerly_kit.messages import UserDeleted
from runnerly_kit.outbox import Outbox
from runnerly_kit.settings import KitSettings
from runnerly_kit.tasks import create_celery
from runnerly_kit.testing import database_for_test

from .conftest import wait_for
from .test_tasks import BROKERS, WORKER, Model, OutboxMessage

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Tracing on in this process, every finished span kept."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.install(provider, "caller")
    try:
        yield exporter
    finally:
        tracing.uninstall()
        provider.shutdown()


def _hex(span: ReadableSpan | None, part: str = "trace") -> str:
    assert span is not None and span.context is not None
    if part == "trace":
        return trace.format_trace_id(span.context.trace_id)
    return trace.format_span_id(span.context.span_id)


def _named(spans: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [span for span in spans.get_finished_spans() if span.name == name]


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, []),
        (ENDPOINT, ["otlp"]),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp, console", **ENDPOINT}, ["otlp", "console"]),
        ({"OTEL_TRACES_EXPORTER": "none", **ENDPOINT}, []),
        ({"OTEL_SDK_DISABLED": "true", **ENDPOINT}, []),
        ({"OTEL_SDK_DISABLED": "TRUE", "OTEL_TRACES_EXPORTER": "console"}, []),
        ({"OTEL_SDK_DISABLED": "false", **ENDPOINT}, ["otlp"]),
        ({"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", **ENDPOINT}, ["otlp"]),
    ],
)
def test_tracing_is_on_only_when_the_settings_name_an_exporter(
    environ: dict[str, str], expected: list[str]
) -> None:
    assert tracing.exporters(environ) == expected


@pytest.mark.parametrize(
    "environ",
    [
        {"OTEL_TRACES_EXPORTER": "zipkin"},
        {"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", **ENDPOINT},
        {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_TRACES_EXPORTER": "otlp"},
    ],
)
def test_an_exporter_or_protocol_not_installed_is_refused_at_start(
    environ: dict[str, str],
) -> None:
    with pytest.raises(ValueError, match="OTEL_"):
        tracing.exporters(environ)


def test_the_process_is_named_after_its_service_unless_the_operator_names_it() -> None:
    named = tracing.provider_from("dataservice", ENDPOINT)
    renamed = tracing.provider_from("dataservice", {**ENDPOINT, "OTEL_SERVICE_NAME": "ds-eu"})

    assert named is not None and renamed is not None
    assert named.resource.attributes[SERVICE_NAME] == "dataservice"
    assert renamed.resource.attributes[SERVICE_NAME] == "ds-eu"
    assert tracing.provider_from("dataservice", {}) is None
    named.shutdown()
    renamed.shutdown()


def test_configured_once_per_process_by_its_first_caller() -> None:
    assert tracing.configure_tracing("demo", {}) is False
    assert not tracing.enabled()
    try:
        assert tracing.configure_tracing("runnerly", {"OTEL_TRACES_EXPORTER": "console"})
        assert tracing.configure_tracing("dataservice", {}) is True  # already on
        assert tracing.enabled()
    finally:
        tracing.uninstall()


# -- HTTP: the service clients and the apps ----------------------------------------------------


def _call(kind: str, handler: Callable[[httpx.Request], httpx.Response]) -> None:
    transport = httpx.MockTransport(handler)
    if kind == "blocking":
        client = ServiceClient("http://peer", "peer", transport=transport)
        try:
            client.request("GET", "/x")
        finally:
            client.close()
        return

    async def call() -> None:
        client = AsyncServiceClient("http://peer", "peer", transport=transport)
        try:
            await client.request("GET", "/x")
        finally:
            await client.aclose()

    anyio.run(call)


CLIENTS = pytest.mark.parametrize("kind", ["blocking", "async"])


@CLIENTS
def test_each_attempt_of_a_call_is_a_span_of_the_callers_trace_named_in_its_headers(
    kind: str, spans: InMemorySpanExporter
) -> None:
    sent: list[str] = []

    def peer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["traceparent"])
        return httpx.Response(503 if len(sent) == 1 else 200)

    tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
    with tracer.start_as_current_span("request") as caller:
        _call(kind, peer)

    attempts = _named(spans, "GET peer")
    assert [a.attributes and a.attributes["http.response.status_code"] for a in attempts] == [
        503, 200
    ]
    assert [a.status.status_code for a in attempts] == [
        trace.StatusCode.ERROR, trace.StatusCode.UNSET
    ]
    for traceparent, attempt in zip(sent, attempts, strict=True):
        assert attempt.parent is not None
        assert attempt.parent.span_id == caller.get_span_context().span_id
        assert traceparent.split("-")[1:3] == [_hex(attempt), _hex(attempt, "span")]
        assert attempt.attributes is not None
        assert attempt.attributes["url.full"] == "http://peer/x"
        assert attempt.attributes[tracing.SERVICE_ATTRIBUTE] == "caller"


def test_asking_for_the_service_token_is_a_span_of_the_trace_too(
    spans: InMemorySpanExporter,
) -> None:
    sent: list[str] = []

    def tokendealer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["traceparent"])
        return httpx.Response(200, json={"access_token": "t", "expires_in": 900})

    credentials = ClientCredentials("http://td/oauth/token", "plans", "s3cret", "runs:read",
                                    transport=httpx.MockTransport(tokendealer))
    tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
    with tracer.start_as_current_span("task"):
        credentials.token()

    [asked] = _named(spans, "POST tokendealer")
    assert sent[0].split("-")[1:3] == [_hex(asked), _hex(asked, "span")]
    assert asked.attributes and asked.attributes["url.full"] == "http://td/oauth/token"


@CLIENTS
def test_without_tracing_a_call_carries_no_trace(kind: str) -> None:
    seen: list[dict[str, str]] = []

    def peer(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        return httpx.Response(200)

    _call(kind, peer)

    assert seen and not {"traceparent", "tracestate"} & set(seen[0])


class PeerSettings(KitSettings):
    service_name = "dataservice"


def _peer_app(tmp_path: Path) -> FastAPI:
    router = APIRouter()

    @router.get("/runs")
    async def runs() -> dict[str, str | None]:
        structlog.get_logger().info("runs.listed")
        return {"service": service_var.get()}

    settings = PeerSettings(env="test", data_dir=tmp_path)
    return create_app(settings, title="peer", routers=[router], verify_tokens=False)


@pytest.mark.usefixtures("logging_restored")
def test_a_peer_in_this_process_continues_the_trace_under_its_own_name(
    spans: InMemorySpanExporter, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = _peer_app(tmp_path)
    tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)

    async def call() -> httpx.Response:
        client = AsyncServiceClient("http://dataservice", "dataservice")
        client.serve_in_process(app)
        try:
            # The caller's task names the caller, as the dashboard's request does.
            service_var.set("dashboard")
            with tracer.start_as_current_span("request"):
                return await client.request("GET", "/runs")
        finally:
            await client.aclose()

    assert anyio.run(call).json() == {"service": "dataservice"}

    [client_span] = _named(spans, "GET dataservice")
    [server] = _named(spans, "GET /runs")
    assert server.parent is not None and client_span.context is not None
    assert server.parent.span_id == client_span.context.span_id
    assert _hex(server) == _hex(client_span)
    assert server.kind == trace.SpanKind.SERVER  # as over the network
    assert client_span.attributes and server.attributes
    assert client_span.attributes[tracing.SERVICE_ATTRIBUTE] == "dashboard"
    assert server.attributes[tracing.SERVICE_ATTRIBUTE] == "dataservice"
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if "{" in line]
    [listed] = [line for line in lines if line["event"] == "runs.listed"]
    [access] = [line for line in lines if line["event"] == "http.request"]
    for line in (listed, access):
        assert line["trace_id"] == _hex(server)
        assert line["request_id"]
    assert listed["span_id"] == _hex(server, "span")


def test_probes_and_scrapes_make_no_spans(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    app = _peer_app(tmp_path)

    async def call() -> list[int]:
        client = AsyncServiceClient("http://dataservice", "dataservice")
        client.serve_in_process(app)
        try:
            return [(await client.request("GET", path)).status_code
                    for path in ("/health/live", "/metrics", "/runs")]
        finally:
            await client.aclose()

    assert anyio.run(call) == [200, 200, 200]
    assert {span.name for span in spans.get_finished_spans()} == {"GET dataservice", "GET /runs"}


@pytest.mark.usefixtures("logging_restored")
def test_without_tracing_no_log_line_names_a_trace(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = _peer_app(tmp_path)

    async def call() -> None:
        client = AsyncServiceClient("http://dataservice", "dataservice")
        client.serve_in_process(app)
        try:
            await client.request("GET", "/runs", headers={
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            })
        finally:
            await client.aclose()

    anyio.run(call)

    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if "{" in line]
    assert any(line["event"] == "runs.listed" for line in lines)
    assert not [line for line in lines if "trace_id" in line or "span_id" in line]


# -- messages: the outbox and the tasks -------------------------------------------------------


@pytest.fixture(params=BROKERS)
def relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outbox]:
    """An outbox on a real database, relaying to a service's app of its own."""
    service = f"kit{uuid.uuid4().hex[:8]}"
    broker = request.param
    url = (
        os.environ["RUNNERLY_TEST_AMQP_URL"]
        if broker == "rabbitmq"
        else f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    )
    app: Celery = create_celery(service, url)
    with database_for_test("sqlite", "kit", tmp_path) as database_url:
        database = Database(database_url)
        Model.metadata.create_all(database.engine)
        yield Outbox(OutboxMessage, database, app, service)
        database.dispose()
    if broker == "rabbitmq":
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(service)


@pytest.mark.usefixtures("logging_restored")
def test_a_message_relayed_later_joins_the_trace_of_the_request_that_stored_it(
    spans: InMemorySpanExporter, relay: Outbox, capfd: pytest.CaptureFixture[str]
) -> None:
    app = relay.celery
    seen: list[str] = []

    @app.task(name=f"{app.main}.notes.record")  # type: ignore[untyped-decorator]
    def record() -> None:
        seen.append(trace.format_trace_id(trace.get_current_span().get_span_context().trace_id))
        structlog.get_logger().info("notes.recorded")

    tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
    with tracer.start_as_current_span("request") as request:
        with relay.database.transaction() as session:
            relay.send_task(session, record.name, {})
        stored = _hex_of(request)
    # Relayed outside the request, as the relay's own thread does.
    assert trace.get_current_span() is trace.INVALID_SPAN
    configure_logging(app.main)
    assert relay.relay() == 1

    with start_worker(app, pool="solo", **WORKER):
        wait_for(lambda: len(seen) == 1, "the task")

    assert seen == [stored]
    [produced] = _named(spans, f"{record.name} publish")
    [consumed] = _named(spans, f"{record.name} process")
    assert produced.parent is not None and consumed.parent is not None
    assert produced.parent.span_id == request.get_span_context().span_id
    assert consumed.parent.span_id == _span_id(produced)
    assert consumed.kind == trace.SpanKind.CONSUMER
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if "{" in line]
    [recorded] = [line for line in lines if line["event"] == "notes.recorded"]
    assert recorded["trace_id"] == stored
    assert recorded["span_id"] == trace.format_span_id(_span_id(consumed))


def test_events_stored_in_bulk_keep_the_trace_too(
    spans: InMemorySpanExporter, relay: Outbox
) -> None:
    tracer = trace.get_tracer("test", tracer_provider=tracing._state.provider)
    with tracer.start_as_current_span("request") as request:
        with relay.database.transaction() as session:
            relay.emit_many(session, [UserDeleted(user_id="u1", email="a@b.c")])
        expected = [_hex_of(request), trace.format_span_id(request.get_span_context().span_id)]

    with relay.database.transaction() as session:
        [row] = session.query(OutboxMessage).all()
        assert row.traceparent is not None
        assert row.traceparent.split("-")[1:3] == expected


def test_without_tracing_the_outbox_stores_and_sends_no_trace(relay: Outbox) -> None:
    app = relay.celery
    headers: list[dict[str, Any]] = []

    @app.task(name=f"{app.main}.notes.record", bind=True)  # type: ignore[untyped-decorator]
    def record(self: Any) -> None:
        headers.append({"traceparent": getattr(self.request, "traceparent", None)})

    with relay.database.transaction() as session:
        relay.send_task(session, record.name, {})
        relay.emit_many(session, [])
    with relay.database.transaction() as session:
        [row] = session.query(OutboxMessage).all()
        assert row.traceparent is None
    relay.relay()
    with start_worker(app, pool="solo", **WORKER):
        wait_for(lambda: len(headers) == 1, "the task")

    assert headers == [{"traceparent": None}]


def test_a_message_without_headers_is_published_as_it_is(spans: InMemorySpanExporter) -> None:
    signals.before_task_publish.send(sender="kit.notes.record", body={}, headers=None)

    headers: dict[str, Any] = {}
    signals.before_task_publish.send(sender="kit.notes.record", body={}, headers=headers)
    assert set(headers) == {"request_id"}  # no span is current: no trace to name


def _hex_of(span: trace.Span) -> str:
    return trace.format_trace_id(span.get_span_context().trace_id)


def _span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return int(span.context.span_id)
