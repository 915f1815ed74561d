"""File import is ingest's: the multipart upload goes to it as it came."""

from __future__ import annotations

from collections.abc import Iterator

from runnerly_dashboard.auth.service import Caller
from runnerly_dashboard.imports.schemas import ImportResult
from runnerly_dashboard.peers import Peers, call, parse


def import_files(
    peers: Peers, caller: Caller, content_type: str, body: Iterator[bytes] | bytes
) -> ImportResult:
    response = call(peers.ingest, "POST", "/imports", token=caller.access_token,
                    content=body, headers={"Content-Type": content_type})
    return parse(response, ImportResult, "ingest")
