"""Traces on the real processes: a runner's request and everything it causes, across HTTP
hops, the outbox and the workers, is one trace exported by OTLP, and each service's log
lines name it.

The system of this module is its own (``OTEL_*`` set), receiving spans in a real OTLP/HTTP
receiver: this test's HTTP server, decoding the protobuf the exporters send.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import KeyValue

from tests.conftest import INTEGRATION_ENV
from tests.system import gpx_run, import_files, running_system

from .conftest import System as SystemT
from .conftest import wait_until
from .test_user_journey import auth, sign_up

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("traces")]


@dataclass(frozen=True)
class Span:
    trace_id: str
    span_id: str
    parent_id: str
    name: str
    kind: int
    process: str  # the resource's service.name
    service: str  # the span's runnerly.service


def _attributes(values: Any) -> dict[str, Any]:
    def value(item: KeyValue) -> Any:
        return getattr(item.value, item.value.WhichOneof("value") or "string_value")

    return {item.key: value(item) for item in values}


class Receiver(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver (``POST /v1/traces``, protobuf) keeping every span."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def received(self) -> list[Span]:
        with self.lock:
            return list(self.spans)


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path != "/v1/traces" or self.headers["Content-Type"] != "application/x-protobuf":
            self.send_error(404)
            return
        request = ExportTraceServiceRequest.FromString(body)
        spans = [
            Span(
                trace_id=span.trace_id.hex(),
                span_id=span.span_id.hex(),
                parent_id=span.parent_span_id.hex(),
                name=span.name,
                kind=span.kind,
                process=_attributes(resource.resource.attributes)["service.name"],
                service=_attributes(span.attributes).get("runnerly.service", ""),
            )
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]
        with self.server.lock:
            self.server.spans.extend(spans)
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_: Any) -> None:
        pass


@dataclass
class Traced:
    system: SystemT
    receiver: Receiver


@pytest.fixture(scope="module", params=["embedded", "scale"])
def traced(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Traced]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    mode: str = request.param
    try:
        with running_system(
            mode,
            tmp_path_factory.mktemp(f"runnerly-traces-{mode}"),
            extra_env={
                **INTEGRATION_ENV,
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
                # Spans leave each process within a fifth of a second, not five.
                "OTEL_BSP_SCHEDULE_DELAY": "200",
            },
            failed=lambda: bool(request.session.testsfailed),
        ) as system:
            yield Traced(system, receiver)
    finally:
        receiver.shutdown()
        receiver.server_close()


def _trace_of(receiver: Receiver, service: str, name: str) -> str:
    [root] = wait_until(
        lambda: [s for s in receiver.received() if s.service == service and s.name == name],
        30, f"{service}'s span {name}",
    )
    return root.trace_id


def _log_lines(system: SystemT) -> list[dict[str, Any]]:
    lines = []
    for path in sorted((system.data_dir / "logs").glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
    return lines


def _services_logging(system: SystemT, trace_id: str) -> set[str]:
    return {line["service"] for line in _log_lines(system) if line.get("trace_id") == trace_id}


def test_an_import_is_one_trace_from_the_dashboard_to_plans_through_the_outbox(
    traced: Traced,
) -> None:
    system, receiver = traced.system, traced.receiver
    _, tokens = sign_up(system)

    [outcome] = import_files(
        system.http,
        [("files", ("run.gpx", gpx_run(3, 1800), "application/gpx+xml"))],
        headers=auth(tokens),
    )
    assert outcome["status"] == "imported", outcome

    trace_id = _trace_of(receiver, "dashboard", "POST /api/runs/import")
    # dashboard -> ingest (HTTP) -> the import step (ingest's outbox, a task) -> dataservice
    # (HTTP) -> run.created (the dataservice's outbox, an event) -> plans' worker.
    wanted = {
        ("dashboard", "POST /api/runs/import"),
        ("ingest", "POST /imports"),
        ("dataservice", "POST /runs/batch"),
        ("plans", "runnerly.event process"),
    }

    def joined() -> set[tuple[str, str]] | None:
        # The import step's span (ingest's task) ends, and so is exported, only after the
        # dataservice has answered, which may be after the plans' worker took the event.
        spans = {(s.service, s.name) for s in receiver.received() if s.trace_id == trace_id}
        task = any(service == "ingest" and name.endswith(" process") for service, name in spans)
        return spans if wanted <= spans and task else None

    wait_until(joined, 60, f"the import's trace to reach every service and ingest's task: {wanted}")

    def whole() -> list[Span] | None:
        # A span is exported when it ends, its parent later: wait for every parent.
        in_trace = [s for s in receiver.received() if s.trace_id == trace_id]
        ids = {s.span_id for s in in_trace}
        return in_trace if all(s.parent_id in ids for s in in_trace if s.parent_id) else None

    in_trace = wait_until(whole, 30, "every span of the trace to have its parent")
    [root] = [s for s in in_trace if s.parent_id == ""]  # one trace, no hop lost its parent
    assert (root.service, root.name) == ("dashboard", "POST /api/runs/import")
    # One process holds every service in the embedded default: named "runnerly", each span
    # names its service; a process per service otherwise.
    if system.monolithic:
        assert {s.process for s in in_trace} == {"runnerly"}
    else:
        assert all(s.process == s.service for s in in_trace)

    services = wait_until(
        lambda: (found := _services_logging(system, trace_id))
        >= {"dashboard", "ingest", "dataservice", "plans"} and found,
        30, "a log line of each service naming the trace",
    )
    # Each line was written inside a span of its service.
    assert services <= {s.service for s in receiver.received() if s.trace_id == trace_id}


def test_a_sign_up_mail_is_sent_in_the_trace_of_the_sign_up(traced: Traced) -> None:
    system, receiver = traced.system, traced.receiver
    before = {s.trace_id for s in receiver.received() if s.name == "POST /api/auth/signup"}

    sign_up(system)

    def signup_trace() -> str | None:
        new = [s for s in receiver.received()
               if s.name == "POST /api/auth/signup" and s.trace_id not in before]
        return new[0].trace_id if new else None

    trace_id = wait_until(signup_trace, 30, "the sign-up's span")
    wait_until(
        lambda: any(s.trace_id == trace_id and s.service == "mailer"
                    and s.name == "mailer.mail.send process" for s in receiver.received()),
        30, "the mail's task in the sign-up's trace",
    )


def test_probes_make_no_spans(traced: Traced) -> None:
    assert not [s for s in traced.receiver.received()
                if s.name.startswith("GET /health") or s.name == "GET /metrics"]
