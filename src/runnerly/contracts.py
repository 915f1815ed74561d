"""Each service's OpenAPI, exported to ``contracts/<service>.json`` and checked for drift;
and the models of peers' answers that the dashboard passes on whole, generated from them."""

from __future__ import annotations

import functools
import importlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runnerly.topology import SERVICES

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_DIR = ROOT / "contracts"


@dataclass(frozen=True)
class PeerModels:
    """A schema of a peer's contract, generated (with every schema it uses) into a module of
    the service that passes it on, so that both document and check the same shape."""

    peer: str
    schema: str
    module: Path
    # Prepended to the names of the schemas it uses, which the consumer may use for others.
    prefix: str


PEER_MODELS = (
    PeerModels(
        "reports",
        "ReportContent",
        ROOT / "services/dashboard/src/runnerly_dashboard/reports/content.py",
        prefix="Report",
    ),
)


def openapi(service: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir:
        config = importlib.import_module(f"runnerly_{service}.config")
        main = importlib.import_module(f"runnerly_{service}.main")
        app = main.create_app(config.Settings(env="test", data_dir=Path(data_dir)))
        document: dict[str, Any] = app.openapi()
        return document


@functools.cache
def render(service: str) -> str:
    return json.dumps(openapi(service), indent=2, sort_keys=True) + "\n"


def generate_models(models: PeerModels) -> str:
    """The module of ``models``, from the peer's contract as its code gives it now."""
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import Formatter, PythonVersion
    from datamodel_code_generator.parser import LiteralType

    schemas = json.loads(render(models.peer))["components"]["schemas"]
    used = _schemas_used(schemas, models.schema)
    document = {
        **json.loads(json.dumps(schemas[models.schema]).replace(_REF, "#/$defs/")),
        "$defs": {
            name: json.loads(json.dumps(schemas[name]).replace(_REF, "#/$defs/"))
            for name in sorted(used - {models.schema})
        },
    }
    code = generate(
        json.dumps(document),
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        class_name=models.schema,
        model_name_map={
            name: f"{models.prefix}{name}"
            for name in used
            if name != models.schema and not name.startswith(models.prefix)
        },
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
            f'"""Generated from contracts/{models.peer}.json ({models.schema}) by '
            f'`make contracts`: do not edit."""\n'
        ),
    )
    assert isinstance(code, str)
    return code


_REF = "#/components/schemas/"


def _schemas_used(schemas: dict[str, Any], name: str) -> set[str]:
    used = {name}
    pending = [name]
    while pending:
        text = json.dumps(schemas[pending.pop()])
        for part in text.split(f'"$ref": "{_REF}')[1:]:
            referenced = part.split('"', 1)[0]
            if referenced not in used:
                used.add(referenced)
                pending.append(referenced)
    return used


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "check"
    drifted = []
    CONTRACTS_DIR.mkdir(exist_ok=True)
    # First: the services that use these modules are imported below.
    for models in PEER_MODELS:
        current = generate_models(models)
        if mode == "write":
            models.module.write_text(current)
            print(f"wrote {models.module.relative_to(ROOT)}")
        elif not models.module.exists() or models.module.read_text() != current:
            drifted.append(str(models.module.relative_to(ROOT)))
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
            f"Out of date: {', '.join(drifted)}. Run `make contracts`.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
