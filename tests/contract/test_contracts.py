"""``contracts/`` is the committed copy of each service's OpenAPI: it must match the code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from runnerly.contracts import (
    CONTRACTS_DIR,
    PEER_MODELS,
    ROOT,
    PeerModels,
    generate_models,
    render,
    render_messages,
    render_plan_texts,
)
from runnerly.topology import SERVICES


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_committed_contract_matches_the_code(service: str) -> None:
    committed = (CONTRACTS_DIR / f"{service}.json").read_text()

    assert committed == render(service), f"contracts/{service}.json is stale: run make contracts"


def test_the_committed_messages_match_the_models() -> None:
    committed = (CONTRACTS_DIR / "messages.json").read_text()

    assert committed == render_messages(), "contracts/messages.json is stale: make contracts"


def test_the_committed_plan_texts_match_the_plans_service() -> None:
    committed = (CONTRACTS_DIR / "plan-texts.json").read_text()

    assert committed == render_plan_texts(), "contracts/plan-texts.json is stale: make contracts"


@pytest.mark.parametrize("models", PEER_MODELS, ids=str)
def test_the_models_generated_from_a_peers_contract_match_it(models: PeerModels) -> None:
    committed = models.module.read_text()

    assert committed == generate_models(models), f"{models.module.name} is stale: make contracts"


WEB = ROOT / "services/dashboard/web"


def test_the_web_apps_types_match_the_dashboards_contract(tmp_path: Path) -> None:
    if shutil.which("npx") is None:
        pytest.skip("Node.js is not installed: the web app's types cannot be generated")
    if not (WEB / "node_modules" / "openapi-typescript").is_dir():
        pytest.skip("The web app's packages are not installed: npm ci in services/dashboard/web")
    generated = tmp_path / "schema.gen.ts"
    subprocess.run(
        ["npx", "--no-install", "openapi-typescript", str(CONTRACTS_DIR / "dashboard.json"),
         "-o", str(generated)],
        cwd=WEB, check=True, capture_output=True,
    )

    committed = (WEB / "src/api/schema.gen.ts").read_text()
    assert committed == generated.read_text(), "src/api/schema.gen.ts is stale: make contracts"


def test_the_web_apps_form_rules_match_the_dashboards_contract(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the web app's rules cannot be generated")
    generated = tmp_path / "rules.gen.ts"
    subprocess.run(["node", "scripts/rules.mjs", str(generated)], cwd=WEB, check=True,
                   capture_output=True)

    committed = (WEB / "src/api/rules.gen.ts").read_text()
    assert committed == generated.read_text(), "src/api/rules.gen.ts is stale: make contracts"


# The dashboard's routes that pass a peer's answer on, and the peer's route; for /api/me, the
# part of the dashboard's answer that is the peer's.
RELAYS = [
    (("GET", "/api/runs"), ("dataservice", "GET", "/runs"), None),
    (("GET", "/api/runs/{run_id}"), ("dataservice", "GET", "/runs/{run_id}"), None),
    (("GET", "/api/stats"), ("dataservice", "GET", "/stats"), None),
    (("GET", "/api/records"), ("dataservice", "GET", "/records"), None),
    (("GET", "/api/races"), ("dataservice", "GET", "/races"), None),
    (("POST", "/api/races"), ("dataservice", "POST", "/races"), None),
    (("GET", "/api/races/{race_id}"), ("dataservice", "GET", "/races/{race_id}"), None),
    (("PUT", "/api/races/{race_id}/entry"), ("dataservice", "PUT", "/races/{race_id}/entry"),
     None),
    (("DELETE", "/api/races/{race_id}/entry"),
     ("dataservice", "DELETE", "/races/{race_id}/entry"), None),
    (("GET", "/api/me"), ("dataservice", "GET", "/profile"), "profile"),
    (("PATCH", "/api/me"), ("dataservice", "PATCH", "/profile"), "profile"),
    (("GET", "/api/plans"), ("plans", "GET", "/plans"), None),
    (("POST", "/api/plans"), ("plans", "POST", "/plans"), None),
    (("GET", "/api/plans/{plan_id}"), ("plans", "GET", "/plans/{plan_id}"), None),
    (("POST", "/api/plans/{plan_id}/regenerate"), ("plans", "POST", "/plans/{plan_id}/regenerate"),
     None),
    (("GET", "/api/reports"), ("reports", "GET", "/reports"), None),
    (("GET", "/api/reports/{month}"), ("reports", "GET", "/reports/{month}"), None),
    (("POST", "/api/reports/{month}/send"), ("reports", "POST", "/reports/{month}/send"), None),
    (("GET", "/api/reports/subscription"), ("reports", "GET", "/reports/subscription"), None),
    (("PUT", "/api/reports/subscription"), ("reports", "PUT", "/reports/subscription"), None),
    (("POST", "/api/reports/unsubscribe"), ("reports", "POST", "/reports/unsubscribe"), None),
    (("GET", "/api/dev/mail"), ("mailer", "GET", "/messages"), None),
    (("POST", "/api/runs/import"), ("ingest", "POST", "/imports"), None),
    (("GET", "/api/runs/imports/{job_id}"), ("ingest", "GET", "/imports/{job_id}"), None),
    (("GET", "/api/strava"), ("ingest", "GET", "/strava"), None),
]
# What the dashboard adds on purpose to a relayed answer (optional fields, its own).
ADDED = {
    # A Strava run whose streams ingest is fetching because the runner opened it.
    ("GET", "/api/runs/{run_id}"): {"streams_pending"},
}


@pytest.mark.parametrize(("route", "peer_route", "part"), RELAYS,
                         ids=[" ".join(route) for route, _, _ in RELAYS])
def test_the_dashboard_documents_what_it_relays_as_the_peer_has_it(
    route: tuple[str, str], peer_route: tuple[str, str, str], part: str | None
) -> None:
    dashboard = json.loads(render("dashboard"))
    peer, method, path = peer_route
    contract = json.loads(render(peer))
    relayed = _answer(dashboard, *route)
    if part is not None:
        relayed = _resolve(dashboard, relayed)["properties"][part]
    shape = _shape(dashboard, relayed)
    added = ADDED.get(route, set())
    assert not added & set(shape.get("required", []))
    if added:
        shape["properties"] = {
            name: value for name, value in shape["properties"].items() if name not in added
        }

    assert shape == _shape(contract, _answer(contract, method, path))


def _answer(document: dict[str, Any], method: str, path: str) -> Any:
    responses = document["paths"][path][method.lower()]["responses"]
    (success,) = (answer for status, answer in responses.items() if status.startswith("2"))
    return success["content"]["application/json"]["schema"]


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _shape(document: dict[str, Any], node: Any) -> Any:
    """What a client can rely on in a schema: its types, fields, required ones, enums,
    formats and bounds; not its names or descriptions."""
    node = _resolve(document, node)
    if isinstance(node, list):
        return [_shape(document, item) for item in node]
    if not isinstance(node, dict):
        return node
    kept = {"type", "enum", "format", "required", "minimum", "maximum", "minLength",
            "maxLength", "minItems", "maxItems", "additionalProperties", "default"}
    shape = {key: value for key, value in node.items() if key in kept}
    if "required" in shape:
        shape["required"] = sorted(shape["required"])
    for key in ("items", "prefixItems", "anyOf", "allOf", "oneOf"):
        if key in node:
            shape[key] = _shape(document, node[key])
    if "properties" in node:
        shape["properties"] = {
            name: _shape(document, value) for name, value in node["properties"].items()
        }
    return shape


def test_check_fails_when_the_committed_messages_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runnerly import contracts

    # The messages alone: the services' contracts have their own tests above.
    monkeypatch.setattr(contracts, "ROOT", tmp_path)
    monkeypatch.setattr(contracts, "CONTRACTS_DIR", tmp_path / "contracts")
    monkeypatch.setattr(contracts, "SERVICES", {})
    monkeypatch.setattr(contracts, "PEER_MODELS", ())
    messages = tmp_path / "contracts" / "messages.json"

    assert contracts.main(["contracts", "check"]) == 1  # not written yet
    assert contracts.main(["contracts", "write"]) == 0
    assert contracts.main(["contracts", "check"]) == 0
    messages.write_text(messages.read_text().replace('"user.deleted"', '"user.removed"'))
    assert contracts.main(["contracts", "check"]) == 1
