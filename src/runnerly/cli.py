"""The ``runnerly`` command: start the whole system, one service, or one worker."""

from __future__ import annotations

import errno
import fcntl
import importlib
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from runnerly.supervisor import write_config
from runnerly.topology import DEFAULT_BASE_PORT, SERVICES, TOOLS, WORKERS, Topology
from runnerly_kit.topology import BEATS

app = typer.Typer(help="Runnerly: a self-hostable companion for runners.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage tokendealer's signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
accounts_app = typer.Typer(help="Manage runners' accounts and roles.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
reports_app = typer.Typer(help="Monthly reports.", no_args_is_help=True)
app.add_typer(reports_app, name="reports")
strava_app = typer.Typer(help="The Strava links ingest holds.", no_args_is_help=True)
app.add_typer(strava_app, name="strava")


@app.callback()
def _logging() -> None:
    # Log lines go to stderr as JSON, like the services'; stdout keeps the command's answer.
    from runnerly_kit.logging import configure_logging

    configure_logging("runnerly", os.environ.get("RUNNERLY_LOG_LEVEL", "INFO"))


ServiceName = Annotated[str, typer.Argument(help=f"One of: {', '.join(SERVICES)}.")]
ServedName = Annotated[
    str, typer.Argument(help=f"One of: {', '.join([*SERVICES, *TOOLS])} (a dev tool).")
]


def _topology(base_port: int | None) -> Topology:
    data_dir = Path(os.environ.get("RUNNERLY_DATA_DIR", "var")).resolve()
    port = base_port or int(os.environ.get("RUNNERLY_PORT", DEFAULT_BASE_PORT))
    return Topology(base_port=port, data_dir=data_dir)


def _settings(service: str) -> Any:
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; one of: {', '.join(SERVICES)}")
    return importlib.import_module(f"runnerly_{service}.config").get_settings()


@app.command()
def up(
    base_port: Annotated[
        int | None, typer.Option(help="Port of the dashboard; the services take the next ones.")
    ] = None,
    processes: Annotated[
        bool,
        typer.Option(
            "--processes",
            help="A process per service and per worker (as at scale), not all in one.",
        ),
    ] = False,
) -> None:
    """Start every service and worker (embedded default: no servers to install), all in
    one process unless ``--processes``."""
    topology = _topology(base_port)
    # Held until this command ends: a second ``runnerly up`` on the same data would run a
    # second set of workers and schedulers on the same files.
    lock = _lock_data_dir(topology.data_dir)
    _refuse_ports_in_use(topology)
    os.environ.update(topology.environment())
    if processes:
        # In a child process, so that this one, which only waits, stays small.
        subprocess.run([sys.executable, "-m", "runnerly", "migrate"], check=True)
    # Else ``runnerly all`` migrates first itself, with the libraries it loads anyway: a
    # process of its own for it cost 5-8 s of the start here.
    config = write_config(topology, processes=processes)
    typer.echo(f"Runnerly is starting: open {topology.url('dashboard')}")
    typer.echo(f"Data in {topology.data_dir}; logs in {topology.data_dir / 'logs'}. Ctrl-C stops.")
    if topology.demo_mode:
        typer.echo(
            f"Strava demo mode: the simulator at {topology.url('stravasim')} plays Strava "
            "(set RUNNERLY_STRAVA_CLIENT_ID and _SECRET to use strava.com)."
        )
    process = subprocess.Popen(  # noqa: S603 - our own supervisord, our own config
        [sys.executable, "-m", "supervisor.supervisord", "-c", str(config)]
    )

    def forward(signum: int, _: Any) -> None:
        process.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        # The terminal sent SIGINT to supervisord too; wait for it to stop its children.
        code = process.wait()
    lock.close()
    raise typer.Exit(code)


def _lock_data_dir(data_dir: Path) -> TextIO:
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = (data_dir / "runnerly-up.lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        typer.echo(
            f"Runnerly is already running on {data_dir}: stop it first (Ctrl-C where it "
            "runs), or give this one a data dir of its own (RUNNERLY_DATA_DIR).",
            err=True,
        )
        raise typer.Exit(1) from None
    return lock


def _refuse_ports_in_use(topology: Topology) -> None:
    """Before anything starts: a service that cannot take its port would only be restarted
    again and again, and the URL printed would lead to whatever holds the port."""
    taken = [
        f"{name} {topology.port(name)}"
        for name in [*SERVICES, *topology.tools()]
        if not _port_free(
            os.environ.get(f"RUNNERLY_{name.upper()}_HOST", "127.0.0.1"), topology.port(name)
        )
    ]
    if taken:
        typer.echo(
            f"Ports in use: {', '.join(taken)}. Is another Runnerly running? Stop it, or "
            f"start this one on other ports: runnerly up --base-port "
            f"{topology.base_port + 100} (or RUNNERLY_PORT).",
            err=True,
        )
        raise typer.Exit(1)


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As the servers bind: a port left in TIME_WAIT by a stopped run is free to them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


@app.command("all")
def run_all() -> None:
    """Run every service's app and every worker in this one process, and the Strava
    simulator in demo mode (what ``runnerly up`` starts; ``serve`` and ``worker`` run one
    each)."""
    from runnerly.monolith import run_all as run
    from runnerly_kit.db import remember_migrations

    # Migrated once here: each app and worker built next would check again as it starts.
    remember_migrations()
    migrate()
    raise typer.Exit(run(tools=_topology(None).tools()))


@app.command()
def serve(service: ServedName) -> None:
    """Run one service's HTTP server (or the Strava simulator, stravasim)."""
    import uvicorn

    if service in TOOLS:
        settings = importlib.import_module(f"runnerly_{service}.config").get_settings()
    else:
        settings = _settings(service)
    metrics_port = getattr(settings, "metrics_port", 0)
    if metrics_port:
        # The same process registry as the app's own /metrics, on a port of its own: the
        # dashboard's public port serves none, and a scraper reaches this one only.
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=settings.host)
    uvicorn.run(
        f"runnerly_{service}.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        # The app believes X-Forwarded-For only from RUNNERLY_TRUSTED_PROXIES (the kit's
        # middleware); uvicorn's own default would believe any process on 127.0.0.1.
        proxy_headers=False,
    )


@app.command()
def worker(
    service: ServiceName,
    concurrency: Annotated[int, typer.Option(help="Tasks run at once.")] = 1,
    metrics_port: Annotated[
        int,
        typer.Option(
            envvar="RUNNERLY_WORKER_METRICS_PORT",
            help="Serve the worker's Prometheus metrics at /metrics on this port (0: not).",
        ),
    ] = 0,
) -> None:
    """Run one service's Celery worker on its queues."""
    if service not in WORKERS:
        raise typer.BadParameter(f"{service} has no worker; those that do: {', '.join(WORKERS)}")
    celery = importlib.import_module(f"runnerly_{service}.worker").celery
    if metrics_port:
        # What happens in tasks (runs, failures, mails) is counted in this process, not in
        # the service's API process: at scale it is scraped here. On the service's own
        # interface: 0.0.0.0 in a container, the loopback by default.
        from prometheus_client import start_http_server

        host = os.environ.get(f"RUNNERLY_{service.upper()}_HOST", "127.0.0.1")
        start_http_server(metrics_port, addr=host)
    queues = [queue.name for queue in celery.conf.task_queues or []] or [service]
    pool = ["--pool", "solo"] if concurrency == 1 else ["--pool", "threads"]
    celery.worker_main(
        [
            "worker",
            "--queues",
            ",".join(queues),
            *pool,
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"{service}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


@app.command()
def beat(service: ServiceName) -> None:
    """Run one service's Celery beat (at scale; the embedded default runs it in the worker)."""
    if service not in BEATS:
        raise typer.BadParameter(f"{service} has no schedule; those that do: {', '.join(BEATS)}")
    os.environ[f"RUNNERLY_{service.upper()}_EMBED_BEAT"] = "false"
    celery = importlib.import_module(f"runnerly_{service}.worker").celery
    celery.start(
        [
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(celery.conf.beat_schedule_filename),
        ]
    )


@app.command()
def migrate(
    service: Annotated[str | None, typer.Argument(help="Only this service.")] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Change nothing: exit 1 unless the databases are up to date (a container "
            "waiting for the migrations that another one runs).",
        ),
    ] = False,
) -> None:
    """Bring every service's database up to date."""
    from runnerly_kit.db import current_revision
    from runnerly_kit.db import migrate as upgrade

    # What changed is said below, in words; Alembic's own lines (unless debugging) would
    # bury it on the first screen of ``runnerly up``.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    behind = False
    for name in [service] if service else list(SERVICES):
        settings = _settings(name)
        migrations = Path(importlib.import_module(f"runnerly_{name}").__file__ or "").parent
        before = current_revision(settings.database_url)
        if check:
            behind |= not _at_head(name, settings.database_url, migrations / "migrations", before)
            continue
        upgrade(settings.database_url, migrations / "migrations")
        after = current_revision(settings.database_url)
        if before == after:
            typer.echo(f"{name}: database up to date ({after})")
        elif before is None:
            typer.echo(f"{name}: database created ({after})")
        else:
            typer.echo(f"{name}: database upgraded from {before} to {after}")
    if behind:
        raise typer.Exit(1)


def _at_head(name: str, url: str, migrations_dir: Path, current: str | None) -> bool:
    from alembic.script import ScriptDirectory

    from runnerly_kit.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url, migrations_dir)).get_current_head()
    if current == head:
        typer.echo(f"{name}: database up to date ({head})")
        return True
    state = "not migrated" if current is None else f"at {current}"
    typer.echo(f"{name}: database {state} (head {head})", err=True)
    return False


@keys_app.command("rotate")
def rotate_keys() -> None:
    """Add a new signing key; the old one stays published until its tokens expire."""
    keys = importlib.import_module("runnerly_tokendealer.keys.service")
    kid = keys.rotate_keys(_settings("tokendealer"))
    typer.echo(f"new signing key: {kid}")


@strava_app.command("rekey")
def rekey_strava_tokens() -> None:
    """Encrypt every stored Strava token again with the first key of
    RUNNERLY_INGEST_TOKEN_KEY, after which the keys after it can be removed."""
    from runnerly_ingest.crypto import TokenCipher
    from runnerly_ingest.runtime import MIGRATIONS_DIR
    from runnerly_ingest.strava.service import reencrypt_tokens
    from runnerly_kit.db import Database
    from runnerly_kit.db import migrate as upgrade

    settings = _settings("ingest")
    upgrade(settings.database_url, MIGRATIONS_DIR)
    database = Database(settings.database_url)
    try:
        links = reencrypt_tokens(database, TokenCipher(settings.fernet_keys))
    except ValueError as exc:
        typer.echo(f"error: {exc}; is a key it was encrypted with missing?", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(f"Strava tokens of {links} link(s) encrypted with the first key")


Email = Annotated[str, typer.Argument(help="The account's email address.")]
Role = Annotated[
    str, typer.Argument(help="The role: admin (removes anyone's race, lists accounts).")
]


@accounts_app.command("grant")
def grant_role(email: Email, role: Role) -> None:
    """Give an account a role; it holds at the account's next login or token refresh."""
    _change_role("grant_role", email, role)


@accounts_app.command("revoke")
def revoke_role(email: Email, role: Role) -> None:
    """Take a role back; it ends at the account's next token refresh (15 minutes at most)."""
    _change_role("revoke_role", email, role)


def _change_role(action: str, email: str, role: str) -> None:
    from runnerly_kit.db import Database
    from runnerly_kit.db import migrate as upgrade
    from runnerly_kit.errors import RunnerlyError
    from runnerly_tokendealer.accounts import service
    from runnerly_tokendealer.runtime import MIGRATIONS_DIR

    settings = _settings("tokendealer")
    upgrade(settings.database_url, MIGRATIONS_DIR)
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            roles = getattr(service, action)(session, email, role).roles
    except RunnerlyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    typer.echo(f"{email}: {', '.join(roles)}")


@reports_app.command("run")
def run_reports(
    month: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM (default: the previous one).")
    ] = None,
) -> None:
    """Send a month's report to every subscribed runner (queued for the reports worker)."""
    from datetime import UTC, datetime

    from runnerly_reports.config import get_settings
    from runnerly_reports.reports.content import Month
    from runnerly_reports.reports.service import ended_everywhere, previous_month
    from runnerly_reports.reports.tasks import request_month

    now = datetime.now(UTC)
    try:
        target = Month.parse(month) if month else previous_month(now)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--month") from None
    if not ended_everywhere(target, now):
        raise typer.BadParameter(
            f"{target} has not ended in every time zone yet.", param_hint="--month"
        )
    request_month(get_settings(), target)
    typer.echo(f"reports of {target} queued for every subscribed runner")
