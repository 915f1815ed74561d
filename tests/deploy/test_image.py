"""The image (deploy/Containerfile), run as an orchestrator runs it: as uid 10001, on a
read-only root with only /tmp and the data volume writable, with no capability, and probed
over HTTP on a published port."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from runnerly_reports.reports import pdf

from ..system import wait_until
from .conftest import podman

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("deploy")]

DATA = "/var/lib/runnerly"
# As Kubernetes' restricted profile with readOnlyRootFilesystem runs a container: no
# tmpfs of podman's own (it adds /run and /var/tmp to --read-only), no capability.
LOCKED_DOWN = (
    "--read-only",
    "--read-only-tmpfs=false",
    "--tmpfs=/tmp",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
)
# Long enough for a service to start on a busy 2-core machine.
START_SECONDS = 120


def run(image: str, *args: str, entrypoint: str | None = None) -> str:
    """What a container, run to its end with the root read-only, prints (stdout)."""
    options = [f"--entrypoint={entrypoint}"] if entrypoint else []
    done = podman("run", "--rm", *LOCKED_DOWN, *options, image, *args, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def data_volume() -> Iterator[str]:
    name = f"runnerly-test-{uuid.uuid4().hex[:12]}"
    podman("volume", "create", name)
    yield name
    podman("volume", "rm", "--force", name, check=False)


@contextmanager
def detached(
    image: str, volume: str, *command: str, options: tuple[str, ...] = ()
) -> Iterator[str]:
    """A locked-down container running ``runnerly COMMAND`` on the volume: its name. Its
    logs are printed when the test fails."""
    name = f"runnerly-test-{command[0]}-{uuid.uuid4().hex[:8]}"
    podman(
        "run", "--detach", f"--name={name}", *LOCKED_DOWN, f"--volume={volume}:{DATA}",
        *options, image, *command,
    )  # fmt: skip
    try:
        yield name
    except BaseException:
        print(logs(name))
        raise
    finally:
        podman("rm", "--force", "--time=2", name, check=False)


def running(name: str) -> bool:
    state = podman("inspect", "--format={{.State.Running}}", name).stdout.strip()
    assert state == "true", f"{name} stopped:\n" + logs(name)
    return True


@contextmanager
def serving(image: str, volume: str, service: str, port: int) -> Iterator[str]:
    """``runnerly serve SERVICE`` in a locked-down container: its URL on this machine."""
    publish = (f"--publish=127.0.0.1::{port}",)
    with detached(image, volume, "serve", service, options=publish) as name:
        published = podman("port", name, f"{port}/tcp").stdout.strip().splitlines()[0]
        url = f"http://{published}"

        def live() -> bool:
            running(name)
            try:
                return httpx.get(f"{url}/health/live", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(live, START_SECONDS, f"{service} in its container to answer")
        yield url


def logs(name: str) -> str:
    done = podman("logs", name, check=False)
    return done.stdout + done.stderr


def test_runs_as_uid_10001_with_no_healthcheck(runnerly_image: str) -> None:
    assert run(runnerly_image, "-u", entrypoint="id").strip() == "10001"
    assert run(runnerly_image, "-g", entrypoint="id").strip() == "10001"
    (config,) = json.loads(podman("image", "inspect", runnerly_image).stdout)
    # Numeric, so that Kubernetes' runAsNonRoot can tell it is not root.
    assert config["Config"]["User"] == "10001:10001"
    # The orchestrator probes /health/live and /health/ready.
    healthcheck = podman("image", "inspect", "--format={{.HealthCheck}}", runnerly_image)
    assert healthcheck.stdout.strip() == "<nil>"
    assert config["Config"]["Entrypoint"] == ["runnerly"]
    # Set by the operator, never baked in: production refuses default secrets.
    assert not any(v.startswith("RUNNERLY_ENV=") for v in config["Config"]["Env"])


def test_the_command_line_works_on_a_read_only_root(runnerly_image: str) -> None:
    usage = run(runnerly_image, "--help")
    for command in ("serve", "worker", "beat", "migrate"):
        assert command in usage


def test_no_compiler_and_no_installer_in_the_image(runnerly_image: str) -> None:
    tools = ("gcc", "cc", "c++", "make", "uv", "pip", "pip3", "npm", "node")
    found = run(
        runnerly_image,
        "-c",
        'for tool in "$@"; do command -v "$tool" || true; done',
        "sh",
        *tools,
        entrypoint="sh",
    )
    assert found == ""
    missing = podman(
        "run", "--rm", "--entrypoint=python", runnerly_image, "-m", "pip", "--version",
        check=False,
    )  # fmt: skip
    assert missing.returncode != 0, missing.stdout


def test_the_reports_chart_and_pdf_fonts_need_no_writable_root(runnerly_image: str) -> None:
    script = """
from types import SimpleNamespace
from runnerly_reports.reports import chart, pdf
week = SimpleNamespace(distance_m=12000.0, label="W1", chart_label="")
png = chart.weekly_chart_png(SimpleNamespace(units="km", language="en", weeks=[week]))
assert png.startswith(b"\\x89PNG"), png[:8]
print(pdf._fonts(), pdf._cjk_font())
"""
    done = podman(
        "run", "--rm", *LOCKED_DOWN, "--entrypoint=python", runnerly_image, "-W", "error", "-c",
        script, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "DejaVuSans" in done.stdout
    # A CJK name is printed from a font the PDF embeds, not left to the reader to supply.
    assert pdf.EMBEDDED_CJK_FONT in done.stdout
    # Matplotlib only logs it when it cannot keep its font cache where it is told to, and
    # then builds it again in every process.
    assert "cache" not in done.stderr, done.stderr


def test_migrate_then_tokendealer_is_ready_and_publishes_its_keys(
    runnerly_image: str, data_volume: str
) -> None:
    migrate(runnerly_image, data_volume)
    with serving(runnerly_image, data_volume, "tokendealer", 8001) as url:
        ready = httpx.get(f"{url}/health/ready", timeout=10)
        assert ready.status_code == 200, ready.text
        jwks = httpx.get(f"{url}/.well-known/jwks.json", timeout=10)
        assert jwks.status_code == 200
        assert [key["kty"] for key in jwks.json()["keys"]]
    # The signing key it made is on the volume, for the next container to sign with.
    keys = run_on_volume(runnerly_image, data_volume, "find", DATA, "-name", "*.pem")
    assert keys.strip()


def migrate(image: str, volume: str) -> None:
    podman("run", "--rm", *LOCKED_DOWN, f"--volume={volume}:{DATA}", image, "migrate")


def run_on_volume(image: str, volume: str, *command: str) -> str:
    done = podman(
        "run", "--rm", *LOCKED_DOWN, f"--volume={volume}:{DATA}", f"--entrypoint={command[0]}",
        image, *command[1:],
    )  # fmt: skip
    return done.stdout


def test_the_dashboard_serves_the_web_app(runnerly_image: str, data_volume: str) -> None:
    migrate(runnerly_image, data_volume)
    with serving(runnerly_image, data_volume, "dashboard", 8000) as url:
        index = httpx.get(f"{url}/", timeout=10)
        assert index.status_code == 200
        assert index.headers["content-type"].startswith("text/html")
        scripts = [
            part.split('"', 1)[0] for part in index.text.split('src="')[1:] if "/assets/" in part
        ]
        assert scripts, index.text
        asset = httpx.get(f"{url}{scripts[0]}", timeout=10)
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]


def test_a_worker_and_a_beat_keep_their_state_on_the_volume(
    runnerly_image: str, data_volume: str
) -> None:
    migrate(runnerly_image, data_volume)
    schedule = f"{DATA}/reports/celerybeat-schedule"
    # As at scale: the worker leaves the schedule to the one beat.
    alone = ("--env=RUNNERLY_REPORTS_EMBED_BEAT=false",)
    with (
        detached(runnerly_image, data_volume, "worker", "reports", options=alone) as worker,
        detached(runnerly_image, data_volume, "beat", "reports") as beat,
    ):
        wait_until(
            lambda: running(worker) and " ready." in logs(worker),
            START_SECONDS,
            "the worker to take tasks",
        )
        # Celery's shelve may add a suffix (.db) to the file it is given.
        wait_until(
            lambda: (
                running(beat)
                and run_on_volume(
                    runnerly_image, data_volume, "sh", "-c", f"ls {schedule}* || true"
                )
            ),
            START_SECONDS,
            "beat to write its schedule",
        )
