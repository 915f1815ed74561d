"""The seams hold by themselves: services meet only through HTTP and messages.

A service importing another's package would couple their releases and their databases (one
container per service at scale has only its own package); the kit importing a service would
make every service depend on that one. Read from the source's syntax, so an import inside a
function or behind ``TYPE_CHECKING`` counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from runnerly.topology import SERVICES

ROOT = Path(__file__).resolve().parents[2]
KIT = "runnerly_kit"
SIMULATOR = "runnerly_stravasim"
SERVICE_PACKAGES = {f"runnerly_{name}": ROOT / "services" / name / "src" for name in SERVICES}


def imported_packages(source_dir: Path) -> Iterator[tuple[Path, str]]:
    """Every top-level package imported by a module under ``source_dir``."""
    for path in sorted(source_dir.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module.split(".")[0]


def crossings(source_dir: Path, allowed: set[str]) -> list[str]:
    project = {*SERVICE_PACKAGES, KIT, SIMULATOR, "runnerly"}
    return [
        f"{path.relative_to(source_dir)} imports {package}"
        for path, package in imported_packages(source_dir)
        if package in project and package not in allowed
    ]


def test_every_service_is_checked() -> None:
    assert all(source.is_dir() for source in SERVICE_PACKAGES.values())
    assert len(SERVICE_PACKAGES) == len(list((ROOT / "services").iterdir()))


@pytest.mark.parametrize("package", sorted(SERVICE_PACKAGES))
def test_a_service_imports_only_itself_and_the_kit(package: str) -> None:
    assert crossings(SERVICE_PACKAGES[package], {package, KIT}) == []


def test_the_kit_imports_no_service() -> None:
    assert crossings(ROOT / "libs" / "kit" / "src", {KIT}) == []


def test_the_simulator_imports_no_service() -> None:
    # It stands for Strava: it knows Strava's API, never Runnerly's code.
    assert crossings(ROOT / "tools" / "stravasim" / "src", {SIMULATOR}) == []


def test_a_crossing_is_seen(tmp_path: Path) -> None:
    (tmp_path / "late.py").write_text(
        "def f():\n    from runnerly_dataservice.models import Run\n    import runnerly_kit.db\n"
    )

    assert crossings(tmp_path, {KIT}) == ["late.py imports runnerly_dataservice"]
