"""Prometheus metrics: request count and latency per route and status, plus process metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

REQUESTS = Counter(
    "runnerly_http_requests_total",
    "HTTP requests answered.",
    ["service", "method", "route", "status"],
)
LATENCY = Histogram(
    "runnerly_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("runnerly_tasks_total", "Background tasks run.", ["service", "task", "outcome"])
OUTBOX_RELAYED = Counter(
    "runnerly_outbox_relayed_total", "Outbox messages handed to the broker.", ["service"]
)

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
