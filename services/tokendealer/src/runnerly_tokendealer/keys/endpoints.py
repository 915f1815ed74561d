from __future__ import annotations

from fastapi import APIRouter, Response

from runnerly_tokendealer.deps import RuntimeDep
from runnerly_tokendealer.keys.schemas import JwkSet

router = APIRouter(tags=["keys"])


@router.get("/.well-known/jwks.json", response_model=JwkSet)
def jwks(runtime: RuntimeDep, response: Response) -> JwkSet:
    """The public keys that verify access tokens (RFC 7517), retired ones included."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return runtime.keys.jwks()
