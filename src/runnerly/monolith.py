"""``runnerly all``: every service's app and every worker in one process, the embedded
default's shape (``runnerly up``; ``runnerly up --processes`` starts one process each).

Each service is built as its own process builds it: its own settings, ``create_app`` and
worker runtime, its own port and URL, so the services still call each other through the
same clients and contracts. The apps are served by one ``uvicorn.Server`` each on one
event loop; each service's Celery app is consumed by a worker of its own in a thread (two
services' event tasks share a name, so one worker could not consume every queue), its
beat, where it has one, in a thread of that worker as in ``runnerly worker``.

What one process shares, and why it is safe: the Prometheus registry (every metric is
labelled by service), the logging configuration (each line names its service through
``runnerly_kit.logging.service_var``), the Celery worker state module (no statedb, no
signal handlers are installed by a worker here).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
import uvicorn
from celery import Celery, signals
from celery.worker import WorkController

from runnerly.topology import SERVICES, WORKERS
from runnerly_kit import tracing
from runnerly_kit.logging import configure_logging, service_var

log = structlog.get_logger()
# Celery's own line once a worker consumes ("dataservice@host ready."), as ``runnerly
# worker`` writes it: what ``runnerly up``'s readiness and operators look for.
celery_log = logging.getLogger("celery.apps.worker")
# A warm shutdown lets a running task finish; supervisord waits 15 s before it kills.
WORKER_STOP_SECONDS = 12.0


class ThreadWorker(WorkController):  # type: ignore[misc]
    """A service's Celery worker in a thread of this process, on the solo pool.

    The blocking consumer loop, never kombu's event loop: that one is a global of the
    process (``kombu.asynchronous.get_event_loop``), and workers in several threads would
    share it.
    """

    def should_use_eventloop(self) -> bool:
        return False

    def on_consumer_ready(self, consumer: Any) -> None:
        signals.worker_ready.send(sender=consumer)
        celery_log.info("%s ready.", self.hostname)


class Server(uvicorn.Server):
    """One app's server; the process handles the signals, for every server at once."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Monolith:
    servers: dict[str, Server] = field(default_factory=dict)
    workers: dict[str, ThreadWorker] = field(default_factory=dict)
    threads: dict[str, threading.Thread] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)
    failed: list[str] = field(default_factory=list)


def build(services: list[str], workers: list[str], tools: list[str]) -> Monolith:
    """Every app and worker, built (and each database migrated) but not started."""
    # Before any service configures it: the process is every service, so its resource is
    # named "runnerly"; each span names its service in ``runnerly.service``.
    tracing.configure_tracing("runnerly")
    monolith = Monolith()
    for name in [*services, *tools]:
        settings = importlib.import_module(f"runnerly_{name}.config").get_settings()
        token = service_var.set(name)
        try:
            app = importlib.import_module(f"runnerly_{name}.main").create_app(settings)
        finally:
            service_var.reset(token)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            # As ``runnerly serve``: X-Forwarded-For is the kit's middleware's to believe.
            proxy_headers=False,
            lifespan="on",
        )
        monolith.servers[name] = Server(config)
    _relay_in_process(monolith)
    for name in workers:
        token = service_var.set(name)
        try:
            # Its import builds the worker's runtime, as ``runnerly worker`` does.
            celery: Celery = importlib.import_module(f"runnerly_{name}.worker").celery
        finally:
            service_var.reset(token)
        queues = [queue.name for queue in celery.conf.task_queues or []] or [name]
        monolith.workers[name] = ThreadWorker(
            app=celery,
            hostname=f"{name}@{socket.gethostname()}",
            pool_cls="solo",
            concurrency=1,
            queues=queues,
            loglevel="INFO",
            without_gossip=True,
            without_mingle=True,
            without_heartbeat=True,
        )
    return monolith


def _relay_in_process(monolith: Monolith) -> None:
    """The dashboard's relayed reads reach the dataservice's app in this process, not
    through its port: half the HTTP work of a public read was the hop between the two."""
    dashboard = monolith.servers.get("dashboard")
    dataservice = monolith.servers.get("dataservice")
    if dashboard is not None and dataservice is not None:
        app: Any = dashboard.config.app
        app.state.peers.dataservice_async.serve_in_process(dataservice.config.app)


def start_workers(monolith: Monolith, on_exit: Any) -> None:
    for name, worker in monolith.workers.items():

        def run(name: str = name, worker: ThreadWorker = worker) -> None:
            service_var.set(name)
            # The solo pool runs a task by its name in the thread's current Celery app
            # (``celery.app.trace.trace_task_ret``): this worker's, not the last one made.
            worker.app.set_current()
            try:
                worker.start()
            finally:
                if not monolith.stopping.is_set():
                    # A worker that stops on its own is a crash: the process ends, and its
                    # supervisor starts it again.
                    log.error("monolith.worker_stopped", worker=name)
                    monolith.failed.append(name)
                    on_exit()

        thread = threading.Thread(target=run, name=f"{name}-worker", daemon=True)
        monolith.threads[name] = thread
        thread.start()


def stop_workers(monolith: Monolith) -> None:
    monolith.stopping.set()
    for worker in monolith.workers.values():
        worker.stop(in_sighandler=False)
    for name, thread in monolith.threads.items():
        thread.join(WORKER_STOP_SECONDS)
        if thread.is_alive():
            log.warning("monolith.worker_not_stopped", worker=name)


async def serve(monolith: Monolith) -> int:
    loop = asyncio.get_running_loop()
    exit_code = 0

    def stop(code: int = 0) -> None:
        nonlocal exit_code
        exit_code = exit_code or code
        # From here a server that did not start, or a worker that ends, is asked to.
        monolith.stopping.set()
        for server in monolith.servers.values():
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    start_workers(monolith, lambda: loop.call_soon_threadsafe(stop, 1))

    async def run(name: str, server: Server) -> None:
        service_var.set(name)
        await server.serve()
        if not server.started and not monolith.stopping.is_set():
            # It could not start (its port taken, its lifespan failed): the whole process
            # ends, as a service's own process would.
            log.error("monolith.server_failed", service=name)
            monolith.failed.append(name)
            stop(1)

    try:
        await asyncio.gather(
            *(asyncio.create_task(run(name, server)) for name, server in monolith.servers.items())
        )
    finally:
        await asyncio.to_thread(stop_workers, monolith)
    return exit_code or (1 if monolith.failed else 0)


def run_all(services: list[str] | None = None, tools: list[str] | None = None) -> int:
    """Build and run every service's app and worker until SIGINT or SIGTERM; the exit code
    is not 0 when one of them failed."""
    monolith = build(services or list(SERVICES), list(WORKERS), tools or [])
    # Lines outside any service (the start, the stop) say they are the launcher's.
    settings = importlib.import_module("runnerly_dashboard.config").get_settings()
    configure_logging("runnerly", settings.log_level)
    log.info(
        "monolith.started", services=list(monolith.servers), workers=list(monolith.workers)
    )
    code = asyncio.run(serve(monolith))
    log.info("monolith.stopped", code=code)
    return code
