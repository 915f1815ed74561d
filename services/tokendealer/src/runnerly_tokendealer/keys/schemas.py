from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class Jwk(BaseModel):
    """A public signing key (RFC 7517, OKP key type of RFC 8037)."""

    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str
    kid: str
    alg: Literal["EdDSA"]
    use: Literal["sig"]


class JwkSet(BaseModel):
    keys: list[Jwk]
