"""``contracts/`` is the committed copy of each service's OpenAPI: it must match the code."""

from __future__ import annotations

import pytest

from runnerly.contracts import CONTRACTS_DIR, PEER_MODELS, PeerModels, generate_models, render
from runnerly.topology import SERVICES


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_committed_contract_matches_the_code(service: str) -> None:
    committed = (CONTRACTS_DIR / f"{service}.json").read_text()

    assert committed == render(service), f"contracts/{service}.json is stale: run make contracts"


@pytest.mark.parametrize("models", PEER_MODELS, ids=lambda models: models.schema)
def test_the_models_generated_from_a_peers_contract_match_it(models: PeerModels) -> None:
    committed = models.module.read_text()

    assert committed == generate_models(models), f"{models.module.name} is stale: make contracts"

