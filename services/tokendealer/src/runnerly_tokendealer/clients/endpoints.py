from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import parse_qs, unquote

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from runnerly_tokendealer.clients import service
from runnerly_tokendealer.clients.schemas import (
    ClientCredentials,
    OAuthErrorBody,
    ServiceToken,
    TokenRequest,
)
from runnerly_tokendealer.clients.service import OAuthError
from runnerly_tokendealer.deps import RuntimeDep, SessionDep

router = APIRouter(tags=["oauth"])

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# A token request is a few short fields; anything bigger is not one.
MAX_FORM_BYTES = 4096
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _token_request(request: Request) -> TokenRequest:
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        raise OAuthError("invalid_request", f"Send the parameters as {FORM_CONTENT_TYPE}.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise OAuthError("invalid_request", "The request is too large.")
    try:
        fields = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError) as exc:
        raise OAuthError("invalid_request", "The form cannot be read.") from exc
    repeated = sorted(name for name, values in fields.items() if len(values) > 1)
    if repeated:
        raise OAuthError("invalid_request", f"Parameters sent more than once: {repeated}.")
    # RFC 6749 §3.1: a parameter sent without a value counts as omitted.
    values = {name: found[0] for name, found in fields.items() if found[0]}
    if "grant_type" not in values:
        raise OAuthError("invalid_request", "The grant_type parameter is missing.")
    try:
        return TokenRequest.model_validate(values)
    except ValidationError as exc:
        fields_in_error = sorted({str(error["loc"][0]) for error in exc.errors()})
        raise OAuthError(
            "invalid_request", f"Invalid parameter(s): {', '.join(fields_in_error)}."
        ) from exc


def _client_credentials(
    request: Request, grant: Annotated[TokenRequest, Depends(_token_request)]
) -> ClientCredentials:
    """The client's id and secret, from HTTP Basic (preferred) or from the form."""
    header = request.headers.get("authorization")
    in_form = grant.client_id is not None or grant.client_secret is not None
    if header is not None:
        if in_form:
            raise OAuthError("invalid_request", "Authenticate the client one way only.")
        client_id, client_secret = _basic(header)
    elif grant.client_id is not None and grant.client_secret is not None:
        client_id, client_secret = grant.client_id, grant.client_secret
    else:
        raise OAuthError("invalid_client", "Authenticate the client with HTTP Basic.")
    try:
        return ClientCredentials(client_id=client_id, client_secret=client_secret)
    except ValidationError as exc:
        raise OAuthError("invalid_client", "Unknown client or wrong secret.") from exc


def _basic(header: str) -> tuple[str, str]:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "Authenticate the client with HTTP Basic.")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError("invalid_client", "The Basic credentials cannot be read.") from exc
    client_id, separator, client_secret = decoded.partition(":")
    if not separator:
        raise OAuthError("invalid_client", "The Basic credentials cannot be read.")
    # RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    return unquote(client_id.replace("+", " ")), unquote(client_secret.replace("+", " "))


TOKEN_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_CONTENT_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "scope": {"type": "string", "maxLength": 1000},
                        "client_id": {"type": "string", "maxLength": 64},
                        "client_secret": {"type": "string", "maxLength": 256},
                    },
                }
            }
        },
    }
}


@router.post(
    "/oauth/token",
    response_model=ServiceToken,
    openapi_extra=TOKEN_FORM,
    responses={
        400: {"model": OAuthErrorBody, "description": "Bad request, grant type or scope"},
        401: {"model": OAuthErrorBody, "description": "Unknown client or wrong secret"},
    },
)
def token(
    grant: Annotated[TokenRequest, Depends(_token_request)],
    credentials: Annotated[ClientCredentials, Depends(_client_credentials)],
    session: SessionDep,
    runtime: RuntimeDep,
    response: Response,
) -> ServiceToken:
    """A service's access token (OAuth2 client_credentials, client authenticated by Basic)."""
    response.headers.update(NO_STORE)
    return service.issue_token(session, runtime, grant, credentials)


def install_oauth_error_handler(app: FastAPI) -> None:
    @app.exception_handler(OAuthError)
    async def _oauth_error(_: Request, exc: OAuthError) -> JSONResponse:
        headers = dict(NO_STORE)
        if exc.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="runnerly"'
        body = OAuthErrorBody(error=exc.error, error_description=exc.description)
        return JSONResponse(body.model_dump(), status_code=exc.status, headers=headers)
