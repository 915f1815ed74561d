"""The deployment's tests (``deploy/``): the image, the nginx front, the manifests, the
monitoring rules, checked with the tools an operator uses.

A test that needs a tool skips when the tool is missing, but not under CI (``CI`` set):
there ``scripts/infra.sh install`` put every tool in place, and a missing one is a failure.
The image is built once per session (``make image``: podman's layer cache makes a build
with nothing changed take seconds) and shared by every test that runs a container.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "localhost/runnerly:latest"
# podman's settings for machines without systemd (see the file for why).
CONTAINERS_CONF = ROOT / "deploy" / "containers.conf"


def require_tool(name: str) -> str:
    """The path of a command the test needs: skipped without it, except under CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing (scripts/infra.sh install installs it)")
        pytest.skip(f"{name} is not installed")
    return path


def podman(
    *args: str, check: bool = True, timeout: float = 300, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """podman with this machine's settings; its output as text."""
    command: Sequence[str] = [require_tool("podman"), *args]
    return subprocess.run(
        command,
        env={**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)},
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
        input=input,
    )


@pytest.fixture(scope="session")
def runnerly_image() -> str:
    """The image's name, built (or found up to date) once for the session by ``make image``."""
    require_tool("podman")
    require_tool("mmdebstrap")
    # Its output is the build log: shown when it fails, as pytest shows a failing fixture's.
    subprocess.run(
        ["make", "--no-print-directory", "image", f"IMAGE={IMAGE}"],
        cwd=ROOT,
        env={**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)},
        check=True,
        timeout=1800,
    )
    return IMAGE
