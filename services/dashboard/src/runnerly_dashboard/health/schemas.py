from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ServiceState = Literal["ok", "down"]


class SystemHealth(BaseModel):
    status: Literal["ok", "degraded"]
    services: dict[str, ServiceState]
