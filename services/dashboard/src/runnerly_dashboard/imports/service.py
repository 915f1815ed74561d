"""File import is ingest's: the multipart upload goes to it as it came, and the job it
answers with is followed there."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.imports.schemas import ImportJob
from runnerly_dashboard.peers import Peers, call, parse


def import_files(
    peers: Peers, caller: Caller, content_type: str, body: Iterator[bytes] | bytes
) -> ImportJob:
    response = call(peers.ingest, "POST", "/imports", token=caller.access_token,
                    content=body, headers={"Content-Type": content_type})
    return parse(response, ImportJob, "ingest")


def import_job(peers: Peers, caller: Caller, job_id: str) -> ImportJob:
    response = call(peers.ingest, "GET", f"/imports/{quote(job_id, safe='')}",
                    token=caller.access_token)
    return parse(response, ImportJob, "ingest")
