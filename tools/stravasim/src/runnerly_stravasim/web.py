"""Request helpers shared by the routers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from runnerly_stravasim.faults import bad_request
from runnerly_stravasim.sim import Simulator


def sim(request: Request) -> Simulator:
    simulator: Simulator = request.app.state.sim
    return simulator


async def params(request: Request, *, allow_json: bool = True) -> dict[str, str]:
    """Query string, then a form or JSON body: Strava's clients send any of these."""
    values: dict[str, str] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        values.update({k: v for k, v in form.items() if isinstance(v, str)})
    elif content_type.startswith("application/json") and allow_json:
        raw = await request.body()
        if raw:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                raise bad_request("Request", "body") from exc
            if not isinstance(body, dict):
                raise bad_request("Request", "body")
            values.update({k: str(v) for k, v in body.items() if v is not None})
    return values


def bearer(
    request: Request, values: dict[str, str] | None = None, *, header_only: bool = False
) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    if header_only:
        return None
    if values and values.get("access_token"):
        return values["access_token"]
    return request.query_params.get("access_token")


def int_param(values: dict[str, str], name: str, default: int | None = None) -> int | None:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(float(raw)) if "." in raw else int(raw)
    except ValueError as exc:
        raise bad_request("Application", name) from exc


def truthy(raw: Any) -> bool:
    return str(raw).lower() in {"1", "true", "yes", "on"}
