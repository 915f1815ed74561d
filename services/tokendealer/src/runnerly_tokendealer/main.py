from __future__ import annotations

from fastapi import FastAPI

from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.auth import TokenVerifier
from runnerly_tokendealer.accounts.endpoints import router as accounts_router
from runnerly_tokendealer.clients import service as clients_service
from runnerly_tokendealer.clients.endpoints import install_oauth_error_handler
from runnerly_tokendealer.clients.endpoints import router as clients_router
from runnerly_tokendealer.config import Settings, get_settings
from runnerly_tokendealer.keys.endpoints import router as keys_router
from runnerly_tokendealer.keys.service import LocalJwks
from runnerly_tokendealer.runtime import Runtime, build_runtime
from runnerly_tokendealer.sessions.endpoints import router as sessions_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime = build_runtime(settings)

    def start(_: FastAPI) -> None:
        runtime.keys.ensure_signer()
        with runtime.database.transaction() as session:
            clients_service.sync_clients(session, runtime)

    app = create_service_app(
        settings,
        title="Runnerly tokendealer",
        routers=[keys_router, accounts_router, sessions_router, clients_router],
        runtime=runtime,
        on_startup=start,
        verify_tokens=False,
    )
    # The tokens this service checks are its own: their keys come from its key folder.
    app.state.verifier = _verifier(runtime)
    install_oauth_error_handler(app)
    return app


def _verifier(runtime: Runtime) -> TokenVerifier:
    settings = runtime.settings
    return TokenVerifier(
        LocalJwks(runtime.keys),
        settings.jwt_audience,
        settings.jwt_issuer,
        max_lifetime=settings.access_token_max_ttl,
    )
