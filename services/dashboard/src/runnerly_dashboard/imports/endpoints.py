from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from runnerly_dashboard.deps import CallerDep, PeersDep
from runnerly_dashboard.imports import service
from runnerly_dashboard.imports.schemas import ImportResult
from runnerly_dashboard.problems import problem_responses
from runnerly_kit.errors import InvalidInput

router = APIRouter(prefix="/runs", tags=["runs"])
IMPORT_PATH = "/api/runs/import"


@router.post("/import", responses=problem_responses(401, 403, 413, 503),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "multipart/form-data": {"schema": {
                     "type": "object", "required": ["files"],
                     "properties": {
                         "files": {"type": "array", "maxItems": 20, "items": {
                             "type": "string", "format": "binary"}},
                         "as_run": {"type": "array", "maxItems": 20, "items": {
                             "type": "string"}, "description": (
                             "Filenames of uploaded files to import as runs whatever they "
                             "look like (a walk or a hike, refused with the reason "
                             "`looks_like_walk`); the other refusals still apply.")}}}}}}})
async def import_runs(request: Request, caller: CallerDep, peers: PeersDep) -> ImportResult:
    """Import runs from activity files; each file gets its own outcome (imported,
    duplicate, or refused with the reason)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise InvalidInput("Send the files as multipart/form-data, in the field 'files'.")
    # Read here (the size limit already applies), then sent on unparsed: ingest parses it.
    body = await request.body()
    return await run_in_threadpool(service.import_files, peers, caller, content_type, body)
