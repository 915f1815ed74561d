"""Each service's OpenAPI, exported to ``contracts/<service>.json`` and checked for drift;
the models of peers' answers that the dashboard passes on whole, generated from them; and
the messages between services (``runnerly_kit.messages``), in ``contracts/messages.json``."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import itertools
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runnerly.topology import SERVICES

if TYPE_CHECKING:
    from fastapi import FastAPI

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = ROOT / "contracts"


@dataclass(frozen=True)
class PeerModels:
    """Schemas of a peer's contract, generated (with every schema they use) into one module of
    the service that passes them on, so that both document and check the same shapes."""

    peer: str
    schemas: tuple[str, ...]
    module: Path
    # Prepended to the names of the schemas that lack it, so that the consumer's own schemas,
    # and those it generates from other peers, keep their names apart.
    prefix: str

    def __str__(self) -> str:
        return f"{self.peer}:{','.join(self.schemas)}"

    @property
    def import_name(self) -> str:
        """The module's dotted name, as its service's package imports it."""
        relative = self.module.relative_to(ROOT / "services")
        return ".".join(relative.parts[2:]).removesuffix(".py")

    def class_name(self, schema: str) -> str:
        """The name the module gives the peer's ``schema``."""
        return schema if schema.startswith(self.prefix) else f"{self.prefix}{schema}"


_DASHBOARD = ROOT / "services/dashboard/src/runnerly_dashboard"

PEER_MODELS = (
    PeerModels(
        "dataservice",
        ("RunUpsert",),
        ROOT / "services/ingest/src/runnerly_ingest/imports/run_upsert.py",
        prefix="Run",
    ),
    # What the dashboard relays of its peers' answers, a module per domain.
    PeerModels("dataservice", ("RunList", "RunDetail"), _DASHBOARD / "runs/contract.py",
               prefix="Run"),
    PeerModels("dataservice", ("StatsRead", "BestEffortList"), _DASHBOARD / "stats/contract.py",
               prefix="Stats"),
    PeerModels("dataservice", ("RaceList", "RaceRead"), _DASHBOARD / "races/contract.py",
               prefix="Race"),
    PeerModels("dataservice", ("ProfileRead",), _DASHBOARD / "me/contract.py", prefix="Profile"),
    PeerModels("plans", ("PlanCreate", "PlanList", "PlanRead", "PlanRebuild"),
               _DASHBOARD / "plans/contract.py", prefix="Plan"),
    PeerModels("reports", ("ReportList", "ReportRead", "SubscriptionRead", "SubscriptionUpdate"),
               _DASHBOARD / "reports/contract.py", prefix="Report"),
    PeerModels("mailer", ("MailboxList",), _DASHBOARD / "devmail/contract.py", prefix="Mailbox"),
    # Ingest's names are apart from every other the dashboard shows: kept as they are.
    PeerModels("ingest", ("ImportJobRead",), _DASHBOARD / "imports/contract.py", prefix=""),
    PeerModels("ingest", ("StravaStatus",), _DASHBOARD / "strava/contract.py", prefix="Strava"),
    # The account's requests and answers, as tokendealer names them.
    PeerModels(
        "tokendealer",
        ("AccountCreate", "AccountConfirm", "AccountRead", "SignupAccepted", "LoginRequest",
         "TokenPair", "RefreshRequest", "LogoutRequest", "PasswordResetCreate",
         "PasswordResetAccepted", "PasswordResetConfirm", "SessionsRevoked"),
        _DASHBOARD / "auth/contract.py",
        prefix="",
    ),
)


# Settings that turn on the routes only some setups serve, so that the contract documents
# them too: the dashboard's development mailbox (a loopback development setup's only).
CONTRACT_SETTINGS: dict[str, dict[str, Any]] = {"dashboard": {"dev_mail": True}}


@contextmanager
def service_app(service: str) -> Iterator[FastAPI]:
    """The service's app as its contract is read from (never started: no database)."""
    with tempfile.TemporaryDirectory() as data_dir:
        config = importlib.import_module(f"runnerly_{service}.config")
        main = importlib.import_module(f"runnerly_{service}.main")
        settings = config.Settings(
            env="test", data_dir=Path(data_dir), **CONTRACT_SETTINGS.get(service, {})
        )
        yield main.create_app(settings)


def openapi(service: str) -> dict[str, Any]:
    with service_app(service) as app:
        document: dict[str, Any] = app.openapi()
        return document


@functools.cache
def render(service: str) -> str:
    return json.dumps(openapi(service), indent=2, sort_keys=True) + "\n"


def render_messages() -> str:
    """Every event and command between services: its JSON Schema, keyed by its routing name,
    with who emits and who consumes it."""
    from runnerly_kit.messages import MESSAGES

    document = {
        name: {
            "kind": model.kind,
            "emitted_by": list(model.emitted_by),
            "consumed_by": list(model.consumed_by),
            "secret": model.secret,
            "schema": model.model_json_schema(),
        }
        for name, model in sorted(MESSAGES.items())
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def render_plan_texts() -> str:
    """Every shape of text the plans service writes in a plan, one example each, in km and
    in miles: workouts' descriptions and plans' remarks, over races, levels, days a week,
    histories and goals. The web app words them in another language from their figures
    (``services/dashboard/web/src/plans/format.ts``, tested on this file), so a change of
    wording here fails the contracts' check before it could leave a page half translated."""
    import re
    from datetime import date

    from runnerly_plans.plans import units
    from runnerly_plans.plans.generator import GoalMode, PlanRefused, PlanRequest, generate
    from runnerly_plans.plans.service import FITNESS_DEFAULT_REMARK

    today = date(2026, 3, 4)
    goal_modes: tuple[GoalMode, ...] = ("predicted", "keep_goal")
    both_units: tuple[units.Units, ...] = ("km", "mi")
    workouts: dict[tuple[str, str, str], dict[str, Any]] = {}
    remarks: dict[tuple[str, str, str], dict[str, str]] = {
        ("fitness_default", "", unit): {"code": "fitness_default", "text": FITNESS_DEFAULT_REMARK,
                                        "units": unit}
        for unit in both_units
    }

    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    cases = itertools.product(
        (5000.0, 10000.0, 21097.5, 42195.0),  # race
        (30.0, 50.0, 70.0),  # VDOT
        (3, 5, 7),  # days a week
        (0.0, 25_000.0, 120_000.0),  # weekly metres so far
        (None, 0.8, 1.2),  # goal, as a share of the predicted time
        goal_modes,
    )
    for distance_m, vdot, days, weekly_m, goal, goal_mode in cases:
        request = PlanRequest(
            today=today, race_date=date(2026, 6, 28), distance_m=distance_m,
            days_per_week=days, long_run_day=6, vdot=vdot,
            recent_weekly_m=(weekly_m,) * 4 if weekly_m else (), goal_mode=goal_mode,
        )
        try:
            if goal is not None:
                predicted = generate(request).target_time_s
                request = dataclasses.replace(request, goal_time_s=predicted * goal)
            plan = generate(request)
        except PlanRefused:
            continue
        for unit in both_units:
            for w in plan.workouts:
                text = units.render(w.description, unit)
                workouts.setdefault((w.kind, shape(text), unit), {
                    "kind": w.kind, "units": unit, "description": text,
                    "distance_m": w.distance_m, "duration_s": w.duration_s,
                    "pace": {"slow_s_per_km": round(w.pace.slow_s_per_km, 1),
                             "fast_s_per_km": round(w.pace.fast_s_per_km, 1)},
                })
            for remark in plan.warnings:
                text = units.render(remark.text, unit)
                remarks.setdefault((remark.code, shape(text), unit),
                                   {"code": remark.code, "text": text, "units": unit})
    document = {
        "workouts": [workouts[key] for key in sorted(workouts)],
        "remarks": [remarks[key] for key in sorted(remarks)],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate_models(models: PeerModels) -> str:
    """The module of ``models``, from the peer's contract as its code gives it now."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import Formatter, PythonVersion
    from datamodel_code_generator.parser import LiteralType

    schemas = json.loads(render(models.peer))["components"]["schemas"]
    used = set().union(*(_schemas_used(schemas, name) for name in models.schemas))
    # One JSON Schema document of definitions only: the references point into its $defs.
    document = json.dumps(
        {"$defs": {name: _fold_nullable(schemas[name]) for name in sorted(used)}}
    ).replace(f'"{_REF}', '"#/$defs/')
    code = generate(
        document,
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        skip_root_model=True,
        strict_nullable=True,
        model_name_map={name: models.class_name(name) for name in used},
        use_annotated=True,
        use_schema_description=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        enum_field_as_literal=LiteralType.All,
        disable_timestamp=True,
        formatters=[Formatter.RUFF_CHECK, Formatter.RUFF_FORMAT],
        custom_file_header=(
            f'"""Generated from contracts/{models.peer}.json ({", ".join(models.schemas)}) by '
            f'`make contracts`: do not edit."""\n'
        ),
    )
    assert isinstance(code, str)
    return code


def _fold_nullable(node: Any) -> Any:
    """``node`` with each ``anyOf`` of one plain type and null written as a list of types.

    The same values pass; but the generator makes a model of its own of a constrained
    branch of a union, which the consumer's OpenAPI would then show as a schema of its own
    (``AverageHr``, ``TimeZone``), while a nullable type keeps the constraints on the field.
    """
    if isinstance(node, list):
        return [_fold_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _fold_nullable(value) for key, value in node.items()}
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and _NULL in branches:
        (other,) = (branch for branch in branches if branch != _NULL)
        # An enum lists its values, which null would then have to be among.
        if isinstance(other.get("type"), str) and "enum" not in other:
            rest = {key: value for key, value in node.items() if key != "anyOf"}
            return {**other, **rest, "type": [other["type"], "null"]}
    return node


_NULL = {"type": "null"}
_REF = "#/components/schemas/"


def _schemas_used(schemas: dict[str, Any], name: str) -> set[str]:
    """``name`` and every schema it refers to, directly or not."""
    used = {name}
    pending = [name]
    while pending:
        for referenced in _references(schemas[pending.pop()]):
            if referenced not in used:
                used.add(referenced)
                pending.append(referenced)
    return used


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            yield ref.removeprefix(_REF)
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "check"
    CONTRACTS_DIR.mkdir(exist_ok=True)
    # The peer models first: the services that use them are imported by ``render``.
    outputs: list[tuple[Path, Callable[[], str]]] = [
        *((models.module, functools.partial(generate_models, models)) for models in PEER_MODELS),
        *(
            (CONTRACTS_DIR / f"{service}.json", functools.partial(render, service))
            for service in SERVICES
        ),
        (CONTRACTS_DIR / "messages.json", render_messages),
        (CONTRACTS_DIR / "plan-texts.json", render_plan_texts),
    ]
    drifted = []
    for path, make in outputs:
        current = make()
        if mode == "write":
            path.write_text(current)
            print(f"wrote {path.relative_to(ROOT)}")
        elif not path.exists() or path.read_text() != current:
            drifted.append(str(path.relative_to(ROOT)))
    if drifted:
        print(f"Out of date: {', '.join(drifted)}. Run `make contracts`.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
