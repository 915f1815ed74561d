"""Traces (OpenTelemetry): every HTTP hop and every task a request causes, in one trace.

Off unless the standard ``OTEL_*`` settings ask for an exporter: an OTLP endpoint
(``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) or
``OTEL_TRACES_EXPORTER`` (``otlp``, ``console``, ``none``); ``OTEL_SDK_DISABLED=true`` turns
it off whatever else is set. Off, the SDK is not even imported and each hook below is one
check of a module attribute.

The context travels as W3C ``traceparent``: in the headers of the service clients' calls, in
the headers of every Celery message, and in the outbox row of a message relayed later, so an
event's consumer joins the trace of the request that stored it.

A process has one resource, so one ``service.name``: the service's (``OTEL_SERVICE_NAME``
overrides it), or ``runnerly`` for ``runnerly all``, whose one process serves every
service. Every span also names the service it was made in (``runnerly.service``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

import httpx
from fastapi.telemetry import TelemetryConfig
from opentelemetry import context, propagate, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from runnerly_kit.logging import service_var

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

SERVICE_ATTRIBUTE = "runnerly.service"
EXPORTERS = frozenset({"otlp", "console"})
# Health probes and scrapes come every few seconds and say nothing of a runner's request.
UNTRACED_PATHS = frozenset({"/health/live", "/health/ready", "/metrics"})

_W3C = TraceContextTextMapPropagator()
_NOTHING: AbstractContextManager[None] = nullcontext()


class _State:
    provider: TracerProvider | None = None
    tracer: trace.Tracer | None = None


_state = _State()


def exporters(environ: Mapping[str, str]) -> list[str]:
    """The span exporters the ``OTEL_*`` settings ask for; none: tracing is off."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [
        name.strip().lower()
        for name in environ.get("OTEL_TRACES_EXPORTER", "").split(",")
        if name.strip()
    ]
    if not names:
        endpoint = environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or environ.get(
            "OTEL_EXPORTER_OTLP_ENDPOINT"
        )
        # The SDK's default exporter is OTLP to localhost; here only a named endpoint
        # turns tracing on, so an operator who set nothing pays nothing.
        names = ["otlp"] if endpoint else []
    if "none" in names:
        return []
    unknown = sorted(set(names) - EXPORTERS)
    if unknown:
        raise ValueError(f"OTEL_TRACES_EXPORTER: {', '.join(unknown)} is not one of otlp, "
                         "console, none")
    if "otlp" in names:
        protocol = environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or environ.get(
            "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"
        )
        if protocol != "http/protobuf":
            raise ValueError(f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r}; only http/protobuf "
                             "is supported")
    return names


def provider_from(service: str, environ: Mapping[str, str]) -> TracerProvider | None:
    """A tracer provider exporting as the ``OTEL_*`` settings say; None when they ask
    for none."""
    names = exporters(environ)
    if not names:
        return None
    # Imported only when tracing is on: a process that does not trace loads none of it.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

    name = environ.get("OTEL_SERVICE_NAME", "").strip() or service
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    for exporter in names:
        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter() if exporter == "otlp" else ConsoleSpanExporter())
        )
    return provider


def configure_tracing(service: str, environ: Mapping[str, str] | None = None) -> bool:
    """Turn tracing on for this process when the ``OTEL_*`` settings ask for it; whether it
    is on. Once per process: the first caller names the process (``runnerly all`` calls it
    first, as ``runnerly``)."""
    if _state.provider is not None:
        return True
    provider = provider_from(service, os.environ if environ is None else environ)
    if provider is None:
        return False
    # Not made the global provider: every FastAPI app would then trace by FastAPI's
    # defaults (the Strava simulator of demo mode, probes included); the kit's apps, clients
    # and tasks are given this one.
    install(provider, service)
    return True


def install(provider: TracerProvider, service: str) -> None:
    """Trace through ``provider`` (``configure_tracing`` does it from the settings; tests
    give one that keeps its spans)."""
    from opentelemetry.sdk.trace import SpanProcessor

    class NameTheService(SpanProcessor):
        def on_start(self, span: Any, parent_context: context.Context | None = None) -> None:
            span.set_attribute(SERVICE_ATTRIBUTE, service_var.get() or service)

    provider.add_span_processor(NameTheService())
    _state.provider = provider
    _state.tracer = provider.get_tracer("runnerly_kit")


def uninstall() -> None:
    """Stop tracing in this process (tests)."""
    _state.provider = None
    _state.tracer = None


def enabled() -> bool:
    return _state.tracer is not None


def app_telemetry() -> TelemetryConfig:
    """FastAPI's own telemetry for the service's app (``FastAPI(telemetry=...)``): a server
    span per request, child of the caller's ``traceparent``, when tracing is on; nothing
    at all otherwise, not even the look at the global providers it makes per request."""
    if _state.provider is None:
        return {"tracing": False, "metrics": False, "logs": False}
    return {
        "tracer_provider": _state.provider,
        # Metrics are Prometheus' (runnerly_kit.metrics), logs our JSON lines.
        "metrics": False,
        "logs": False,
        # A span per dependency, endpoint and serialisation triples a request's spans.
        "operation_spans": False,
        "exclude": _untraced,
    }


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in UNTRACED_PATHS


def as_remote(app: Any, service: str) -> Any:
    """``app``, the peer ``service``'s, reached in its caller's task (``runnerly all``'s
    relay): its server span names the peer, not the caller whose task it runs in."""
    if _state.provider is None:
        return app

    async def remote(scope: Any, receive: Any, send: Any) -> None:
        token = service_var.set(service)
        try:
            await app(scope, receive, send)
        finally:
            service_var.reset(token)

    return remote


def outgoing(
    peer: str, method: str, base_url: httpx.URL, path: str, headers: dict[str, str]
) -> AbstractContextManager[trace.Span | None]:
    """A client span around a call to ``peer``, its context written into ``headers``."""
    if _state.tracer is None:
        return _NOTHING
    return _outgoing(_state.tracer, peer, method, str(base_url.join(path)), headers)


@contextmanager
def _outgoing(
    tracer: trace.Tracer, peer: str, method: str, url: str, headers: dict[str, str]
) -> Iterator[trace.Span]:
    attributes = {"http.request.method": method, "url.full": url, "peer.service": peer}
    with tracer.start_as_current_span(
        f"{method} {peer}", kind=trace.SpanKind.CLIENT, attributes=attributes
    ) as span:
        propagate.inject(headers)
        yield span


def answered(span: trace.Span | None, status: int) -> None:
    """Record a peer's answer on the span of its call."""
    if span is not None:
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(trace.StatusCode.ERROR)


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, to store with what is sent later."""
    if _state.tracer is None:
        return None
    carrier: dict[str, str] = {}
    _W3C.inject(carrier)
    return carrier.get("traceparent")


def publishing(name: str, traceparent: str | None) -> AbstractContextManager[Any]:
    """A producer span for a message relayed from the outbox, in the trace of the request
    that stored it (``traceparent``); the message's headers are written from it."""
    if _state.tracer is None:
        return _NOTHING
    parent = _W3C.extract({"traceparent": traceparent}) if traceparent else None
    return _state.tracer.start_as_current_span(
        f"{name} publish", context=parent, kind=trace.SpanKind.PRODUCER,
        attributes={"messaging.system": "celery", "messaging.destination.name": name},
    )


def inject(headers: dict[str, Any]) -> None:
    """Write the current context into a message's headers."""
    if _state.tracer is not None:
        propagate.inject(headers)


def consuming(name: str, request: Any) -> AbstractContextManager[Any]:
    """A consumer span for a task, child of the context its message carries (Celery gives
    a message's headers as attributes of the task's request)."""
    if _state.tracer is None:
        return _NOTHING
    headers = getattr(request, "headers", None) or {}
    carrier = {}
    for field in propagate.get_global_textmap().fields:
        value = getattr(request, field, None) or headers.get(field)
        if isinstance(value, str):
            carrier[field] = value
    return _state.tracer.start_as_current_span(
        f"{name} process", context=propagate.extract(carrier), kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.system": "celery", "messaging.operation.name": "process"},
    )


def log_context(
    _: object, __: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The structlog processor putting the current trace and span ids into a log line."""
    if _state.tracer is None:
        return event
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        event.setdefault("trace_id", trace.format_trace_id(span.trace_id))
        event.setdefault("span_id", trace.format_span_id(span.span_id))
    return event
