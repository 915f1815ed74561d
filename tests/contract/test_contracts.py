"""``contracts/`` is the committed copy of each service's OpenAPI: it must match the code."""

from __future__ import annotations

import pytest

from runnerly.contracts import CONTRACTS_DIR, render
from runnerly.topology import SERVICES


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_committed_contract_matches_the_code(service: str) -> None:
    committed = (CONTRACTS_DIR / f"{service}.json").read_text()

    assert committed == render(service), f"contracts/{service}.json is stale: run make contracts"
