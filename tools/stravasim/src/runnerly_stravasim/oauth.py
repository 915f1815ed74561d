"""Strava's OAuth: /oauth/authorize (an approval page), /oauth/token, /oauth/revoke and
its former name /oauth/deauthorize."""

from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from runnerly_stravasim.faults import bad_request
from runnerly_stravasim.sim import Simulator
from runnerly_stravasim.web import bearer, params, sim

router = APIRouter(prefix="/oauth")


def _redirect_to(redirect_uri: str, values: dict[str, str]) -> str:
    parts = urlsplit(redirect_uri)
    query = "&".join(q for q in (parts.query, urlencode(values)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _check_authorize(simulator: Simulator, values: dict[str, str]) -> tuple[str, str]:
    simulator.check_client(values.get("client_id"), check_secret=False)
    redirect_uri = values.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    allowed = {d.lower() for d in simulator.settings.callback_domains} | {"localhost", "127.0.0.1"}
    domain_ok = any(host == d or host.endswith("." + d) for d in allowed)
    if parts.scheme not in {"http", "https"} or not domain_ok:
        raise bad_request("Application", "redirect_uri")
    if values.get("response_type") != "code":
        raise bad_request("Application", "response_type")
    return redirect_uri, simulator.grant_scopes(values.get("scope"))


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize Runnerly | Strava (simulator)</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:4rem auto;color:#242428}}
h1{{font-size:1.4rem}}button{{font-size:1rem;padding:.6rem 1.4rem;margin-right:1rem}}
.authorize{{background:#fc5200;color:#fff;border:0}}.note{{color:#6d6d78;font-size:.85rem}}</style>
</head><body>
<p class="note">Strava API simulator: no real Strava account is involved.</p>
<h1>Authorize Runnerly to read your activities</h1>
<p>Signed in as <strong>{name}</strong>.</p>
<p>Runnerly asks for: <code>{scope}</code></p>
<form method="post" action="/oauth/authorize">
{hidden}
<button class="authorize" type="submit" name="decision" value="authorize">Authorize</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form></body></html>"""


@router.get("/authorize", response_model=None)
@router.get("/mobile/authorize", response_model=None)
async def authorize_page(request: Request) -> Response:
    simulator = sim(request)
    values = dict(request.query_params)
    redirect_uri, scope = _check_authorize(simulator, values)
    if simulator.settings.auto_approve:
        return _approve(simulator, redirect_uri, scope, values.get("state"))
    athlete = simulator.athlete()
    keep = ("client_id", "redirect_uri", "response_type", "approval_prompt", "scope", "state")
    hidden = "\n".join(
        f'<input type="hidden" name="{k}" value="{html.escape(values[k], quote=True)}">'
        for k in keep
        if k in values
    )
    page = PAGE.format(
        name=html.escape(f"{athlete['firstname']} {athlete['lastname']}"),
        scope=html.escape(scope),
        hidden=hidden,
    )
    return HTMLResponse(page)


@router.post("/authorize", response_model=None)
async def authorize_decision(request: Request) -> Response:
    simulator = sim(request)
    values = await params(request)
    redirect_uri, scope = _check_authorize(simulator, values)
    if values.get("decision") != "authorize":
        query = {"state": values.get("state", ""), "error": "access_denied"}
        return RedirectResponse(_redirect_to(redirect_uri, query), status_code=302)
    return _approve(simulator, redirect_uri, scope, values.get("state"))


def _approve(simulator: Simulator, redirect_uri: str, scope: str, state: str | None) -> Response:
    code = simulator.create_code(scope)
    query = {"state": state or "", "code": code, "scope": scope}
    return RedirectResponse(_redirect_to(redirect_uri, query), status_code=302)


@router.post("/token")
async def token(request: Request) -> JSONResponse:
    simulator = sim(request)
    values = await params(request)
    simulator.check_client(values.get("client_id"), values.get("client_secret"))
    grant = values.get("grant_type", "")
    if grant == "authorization_code":
        return JSONResponse(simulator.exchange_code(values.get("code")))
    if grant == "refresh_token":
        return JSONResponse(simulator.refresh(values.get("refresh_token")))
    raise bad_request("Application", "grant_type")


@router.post("/revoke")
async def revoke(request: Request, background: BackgroundTasks) -> JSONResponse:
    """Strava's announced revocation: the token in ``Authorization: Bearer`` only."""
    return _revoke(request, background, bearer(request, header_only=True))


@router.post("/deauthorize")
async def deauthorize(request: Request, background: BackgroundTasks) -> JSONResponse:
    """The former name: the header too, or still a form or query ``access_token``."""
    return _revoke(request, background, bearer(request, await params(request)))


def _revoke(
    request: Request, background: BackgroundTasks, access_token: str | None
) -> JSONResponse:
    simulator = sim(request)
    row = simulator.authenticate(access_token)
    deauthorize_athlete(simulator, row.athlete_id, background)
    return JSONResponse({"access_token": access_token})


def deauthorize_athlete(
    simulator: Simulator, athlete_id: int, background: BackgroundTasks, *, event: bool = True
) -> tuple[bool, int | None]:
    """Revoke the athlete's tokens and, unless ``event`` is False (an event lost on the
    way), announce it; whether there were tokens, and the event's id."""
    had_tokens = simulator.deauthorize(athlete_id)
    if not event:
        return had_tokens, None
    event_id = simulator.record_event("athlete", athlete_id, "update", {"authorized": "false"})
    if event_id is not None:
        background.add_task(simulator.deliver, event_id)
    return had_tokens, event_id
