"""Each service's OpenAPI, exported to ``contracts/<service>.json`` and checked for drift."""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from runnerly.topology import SERVICES

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"


def openapi(service: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        config = importlib.import_module(f"runnerly_{service}.config")
        main = importlib.import_module(f"runnerly_{service}.main")
        app = main.create_app(config.Settings(env="test", data_dir=Path(data_dir)))
        document: dict[str, Any] = app.openapi()
        return document


def render(service: str) -> str:
    return json.dumps(openapi(service), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "check"
    drifted = []
    CONTRACTS_DIR.mkdir(exist_ok=True)
    for service in SERVICES:
        path = CONTRACTS_DIR / f"{service}.json"
        current = render(service)
        if mode == "write":
            path.write_text(current)
            print(f"wrote {path.relative_to(CONTRACTS_DIR.parent)}")
        elif not path.exists() or path.read_text() != current:
            drifted.append(service)
    if drifted:
        print(
            f"contracts/ is out of date for: {', '.join(drifted)}. Run `make contracts`.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
