"""The dataservice, as ingest uses it: batches of runs in, runs of a source out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import ServiceClient

log = structlog.get_logger()

# The dataservice takes up to 1000 runs a batch; smaller batches keep requests short.
BATCH_SIZE = 200


@dataclass(frozen=True)
class Outcome:
    """What the dataservice did with one run: ``created``, ``updated`` or ``duplicate``."""

    external_id: str
    status: str
    run_id: int | None


class BatchRefused(ServiceUnavailable):
    """The dataservice found a run of the batch invalid (422); ``reason`` is its detail."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.reason = reason


class Dataservice:
    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def upsert_runs(self, runs: list[dict[str, Any]]) -> list[Outcome]:
        """Send runs in batches through the idempotent upsert; their outcomes, in order."""
        outcomes: list[Outcome] = []
        for start in range(0, len(runs), BATCH_SIZE):
            batch = runs[start : start + BATCH_SIZE]
            response = self.client.request("POST", "/runs/batch", json={"runs": batch})
            if response.status_code != 200:
                log.error(
                    "dataservice.batch_refused",
                    status=response.status_code,
                    body=response.text[:500],
                )
                detail = f"The dataservice refused a batch of runs ({response.status_code})."
                if response.status_code == 422:
                    raise BatchRefused(detail, _reason(response))
                raise ServiceUnavailable(detail)
            body = response.json()
            outcomes.extend(
                Outcome(str(item["external_id"]), str(item["status"]), item.get("run_id"))
                for item in body.get("results", [])
            )
        return outcomes

    def delete_runs(
        self, runner_id: str, source: str, external_ids: list[str] | None = None
    ) -> int:
        """Delete a runner's runs from ``source`` (only ``external_ids`` when given)."""
        params: list[tuple[str, str]] = [("runner_id", runner_id), ("source", source)]
        params.extend(("external_id", external_id) for external_id in external_ids or [])
        response = self.client.request("DELETE", "/runs/by-source", params=params)
        if response.status_code != 200:
            log.error("dataservice.delete_refused", status=response.status_code,
                      body=response.text[:500])
            raise ServiceUnavailable(
                f"The dataservice refused to delete runs ({response.status_code})."
            )
        return int(response.json().get("deleted", 0))



def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail[:500] if isinstance(detail, str) else ""
