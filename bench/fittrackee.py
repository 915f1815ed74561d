"""FitTrackee 1.3.6, the peer the footprint benchmark measures Runnerly against.

It runs as its documentation says: its own virtualenv, PostgreSQL with PostGIS, ``ftcli db
upgrade``, a user created and activated with ``ftcli``, gunicorn with 2 workers, and a JWT
login (``POST /api/auth/login``) for its API. No Redis: without it FitTrackee processes an
upload in the request (its documented fallback) and turns rate limits off.

Its own virtualenv, not the ``bench`` dependency group: the project keeps one lock for every
group, and FitTrackee's pins (SQLAlchemy 2.0.52, Pillow 12.3, gunicorn 26.2, click 8.5.0)
would move the services' own versions back with it. ``fittrackee-requirements.txt`` pins
every package with its hashes (``uv pip compile --generate-hashes`` of ``fittrackee==1.3.6``
for Python 3.11); the virtualenv is made once per version of that file, in the user's cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import sqlalchemy as sa
from PIL import Image

from bench import common
from bench.common import HOST, WORKERS, log

VERSION = "1.3.6"
REQUIREMENTS = common.BENCH_DIR / "fittrackee-requirements.txt"
INSTALL_TIMEOUT = 600.0
COMMAND_TIMEOUT = 120.0
START_TIMEOUT = 120.0
PASSWORD = "correct horse battery staple"  # noqa: S105 - a throwaway account
RUNNING_SPORT_ID = 5  # FitTrackee's "Running" in its default sports table


def virtualenv() -> Path:
    """FitTrackee's virtualenv, made from the pinned requirements when it is missing."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    venv = cache / "runnerly-bench" / f"fittrackee-{VERSION}-{digest}"
    done = venv / "installed"
    if done.exists():
        return venv
    uv = shutil.which("uv") or "uv"
    log(f"fittrackee: making its virtualenv at {venv} from {REQUIREMENTS.name} ...")
    # Made where it stays (its scripts name their interpreter by path); the marker, written
    # last, tells a whole install from one that was interrupted.
    shutil.rmtree(venv, ignore_errors=True)
    for command in (
        [uv, "venv", "--quiet", "--python", "3.11", str(venv)],
        [
            uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
            "--require-hashes", "-r", str(REQUIREMENTS),
        ],
    ):
        subprocess.run(command, check=True, timeout=INSTALL_TIMEOUT)  # noqa: S603
    done.write_text(f"{REQUIREMENTS.name} {digest}\n")
    return venv


def ensure_postgis() -> None:
    """PostGIS in the local PostgreSQL: Debian's package, installed when missing."""
    engine = sa.create_engine(common.POSTGRES_ADMIN_URL, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).first()
    finally:
        engine.dispose()
    if found is None:
        common.apt_install("postgresql-15-postgis-3")


def _as_superuser(database: str, sql: str) -> None:
    """PostGIS is not a trusted extension: the server's superuser creates it."""
    command = ["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql]
    command = ["runuser", "-u", "postgres", "--", *command]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    subprocess.run(command, check=True, timeout=COMMAND_TIMEOUT, cwd="/", capture_output=True)  # noqa: S603


@dataclass
class FitTrackee:
    venv: Path
    env: dict[str, str]
    workdir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        """gunicorn's master: its workers are its children, all in its process group."""
        if self.process is None:
            raise RuntimeError("FitTrackee is not running")
        return self.process.pid

    def ftcli(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 - its own command line
            [str(self.venv / "bin" / "ftcli"), *args],
            env=self.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ftcli {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def start(self) -> float:
        """gunicorn as its documentation runs it; seconds until ``/api/ping`` answers."""
        log_path = self.workdir / "gunicorn.log"
        started = time.monotonic()
        with log_path.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - its own server
                [
                    str(self.venv / "bin" / "gunicorn"),
                    "--bind", f"{HOST}:{self.port}",
                    "--workers", str(WORKERS),
                    "fittrackee:create_app()",
                ],
                cwd=self.workdir, env=self.env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        common.wait_until_ready(
            f"{self.url}/api/ping", self.process, timeout=START_TIMEOUT,
            name="FitTrackee", log_path=log_path,
        )
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process is not None:
            common.stop_group(self.process)
            self.process = None

    def session(self, email: str) -> dict[str, str]:
        """The headers of a signed-in user, as its web app sends them: its login sets the JWT
        in a cookie (and a CSRF token in another, which writes echo in ``X-CSRF-TOKEN``); an
        ``Authorization`` header would be taken for an OAuth2 token instead. The cookies are
        ``Secure``, which a client keeps for https only: here they are sent by hand."""
        response = httpx.post(
            f"{self.url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
        )
        if response.status_code != 200:
            raise RuntimeError(f"FitTrackee login: {response.status_code} {response.text[:300]}")
        access = response.cookies["access_token_cookie"]
        csrf = response.cookies["csrf_access_token"]
        return {
            "Cookie": f"access_token_cookie={access}; csrf_access_token={csrf}",
            "X-CSRF-TOKEN": csrf,
        }


@contextlib.contextmanager
def installed(workdir: Path) -> Iterator[FitTrackee]:
    """A new FitTrackee (its own database, its files in ``workdir``), not started; stopped
    and its database dropped when the block ends."""
    ensure_postgis()
    venv = virtualenv()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(common.postgres_database("fittrackee"))
        database = sa.make_url(url).database or ""
        _as_superuser(database, "CREATE EXTENSION IF NOT EXISTS postgis")
        port = common.free_port()
        uploads = workdir / "fittrackee"
        uploads.mkdir()
        tiles = stack.enter_context(tile_server())
        env: Mapping[str, str] = {
            "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
            "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
            "APP_SETTINGS": "fittrackee.config.ProductionConfig",
            "APP_SECRET_KEY": hashlib.sha256(os.urandom(16)).hexdigest(),
            "DATABASE_URL": sa.make_url(url).set(drivername="postgresql").render_as_string(
                hide_password=False
            ),
            "UPLOAD_FOLDER": str(uploads),
            "UI_URL": f"http://{HOST}:{port}",
            # Nothing answers there: no task queue, uploads processed in the request.
            "REDIS_URL": f"redis://{HOST}:{common.free_port()}/0",
            "FLASK_APP": "fittrackee/__main__.py",
            # An upload renders the workout's map from tiles (OpenStreetMap's by default,
            # out of reach here): from the harness' tile server on the loopback instead.
            "TILE_SERVER_URL": f"{tiles}/{{z}}/{{x}}/{{y}}.png",
        }
        fittrackee = FitTrackee(venv, dict(env), workdir, port)
        try:
            yield fittrackee
        finally:
            fittrackee.stop()


@contextlib.contextmanager
def tile_server() -> Iterator[str]:
    """A map tile server on the loopback, a plain 256 x 256 tile for every address: its
    URL. FitTrackee draws each uploaded workout on tiles fetched from one."""
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 230)).save(buffer, format="PNG")
    tile = buffer.getvalue()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *_: object) -> None:
            pass  # a line per tile on stderr would bury the progress

    server = ThreadingHTTPServer((HOST, 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
