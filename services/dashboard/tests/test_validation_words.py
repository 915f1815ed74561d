"""Every request the public API validates answers a bad value in a runner's words: each
constraint kind of every request schema in the committed contract is broken in turn, and
no message may be the validation library's own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from runnerly.contracts import CONTRACTS_DIR

LIBRARY_PHRASES = re.compile(
    r"should be|should have|Input should|String should|valid date or datetime|Field required"
    r"|Extra inputs|Value error|input is too|unable to parse|Assertion failed|object to extract",
    re.IGNORECASE,
)
CONTRACT = json.loads((CONTRACTS_DIR / "dashboard.json").read_text())
SKIPPED_HEADERS = {"X-CSRF-Token", "If-None-Match"}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**CONTRACT["components"]["schemas"][name],
                  **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schemas a value may follow (a nullable field is ``anyOf`` of it and null)."""
    schema = _resolve(schema)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return [v for option in options for v in _variants(option) if v.get("type") != "null"]
    return [schema]


def bad_values(schema: dict[str, Any], depth: int = 0) -> Iterator[Any]:
    """A value breaking each constraint ``schema`` states, and one of the wrong type."""
    for variant in _variants(schema):
        kind = variant.get("type")
        if "enum" in variant or "const" in variant:
            yield "surely-not-one-of-them"
        if kind == "string":
            yield 12345 if "format" not in variant else ["a list"]
            if variant.get("minLength"):
                yield "x" * (variant["minLength"] - 1)
            if "maxLength" in variant:
                yield "x" * (variant["maxLength"] + 1)
            if "pattern" in variant:
                yield "!?"
            if variant.get("format") in {"date", "date-time", "time"}:
                yield "20"
                yield "2026-13-45"
                yield "yesterday"
            if variant.get("format") in {"email", "uri"}:
                yield "no at-sign"
        if kind in {"integer", "number"}:
            yield "many"
            yield True if kind == "number" else 1.5
            for bound, step in (("minimum", -1), ("exclusiveMinimum", 0),
                                ("maximum", 1), ("exclusiveMaximum", 0)):
                if bound in variant:
                    yield variant[bound] + step
        if kind == "boolean":
            yield "perhaps"
        if kind == "array":
            yield "not a list"
            if variant.get("minItems"):
                yield []
            if "maxItems" in variant:
                yield [None] * (variant["maxItems"] + 1)
            if "items" in variant and depth < 2:
                for item in bad_values(variant["items"], depth + 1):
                    yield [item]
        if kind == "object" or "properties" in variant:
            yield "not an object"
            if depth < 2:
                yield {}
                for name, field in variant.get("properties", {}).items():
                    for value in bad_values(field, depth + 1):
                        yield {name: value}


def _cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in CONTRACT["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                schema = _resolve(body["schema"])
                yield method, path, {"json": {}}
                for name, field in schema.get("properties", {}).items():
                    for value in bad_values(field):
                        yield method, path, {"json": {name: value}}
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header" and parameter["name"] in SKIPPED_HEADERS:
                    continue
                for value in bad_values(parameter.get("schema", {})):
                    if isinstance(value, (dict, list)):
                        continue
                    yield method, path, {parameter["in"]: (parameter["name"], value)}


def _request(client: TestClient, method: str, path: str, case: dict[str, Any],
             headers: dict[str, str]) -> Any:
    params: dict[str, Any] = {}
    if "path" in case:
        name, value = case["path"]
        path = path.replace("{" + name + "}", str(value))
    if "query" in case:
        name, value = case["query"]
        params[name] = str(value).lower() if isinstance(value, bool) else value
    path = re.sub(r"\{[^}]+\}", "1", path)
    return client.request(method.upper(), path, params=params, json=case.get("json"),
                          headers=headers)


def test_every_invalid_request_is_answered_in_a_runners_words(
    client: TestClient, login: Any
) -> None:
    signed_in = login()
    answered = 0
    in_library_words = []
    for method, path, case in _cases():
        response = _request(client, method, path, case, signed_in.csrf)
        if response.status_code != 422:
            continue
        answered += 1
        problem = response.json()
        texts = [problem["detail"], *(e["message"] for e in problem.get("errors", []))]
        if any(LIBRARY_PHRASES.search(text) for text in texts):
            in_library_words.append((method.upper(), path, case, texts))
    assert answered > 100
    assert not in_library_words, "\n".join(sorted({
        f"{method} {path}: {text}" for method, path, _, texts in in_library_words
        for text in texts[1:] or texts
    }))
