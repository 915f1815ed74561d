from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from runnerly_ingest.deps import Importer, RunReader, RuntimeDep, SessionDep
from runnerly_ingest.files import MAX_FILE_BYTES
from runnerly_ingest.imports import service
from runnerly_ingest.imports.schemas import ImportJobRead
from runnerly_kit.errors import InvalidInput

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post("", status_code=202)
def import_files(
    runtime: RuntimeDep,
    session: SessionDep,
    runner: Importer,
    files: Annotated[
        list[UploadFile], File(description="GPX, FIT or TCX files (optionally gzipped).")
    ],
    as_run: Annotated[
        list[str] | None,
        Form(
            description="Filenames of uploaded files to import as runs whatever they look "
            "like (a walk or a hike); the other refusals still apply.",
            max_length=service.MAX_FILES,
        ),
    ] = None,
) -> ImportJobRead:
    """Store activity files as an import job and answer at once; the worker parses them,
    and ``GET /imports/{id}`` follows each file."""
    if not 1 <= len(files) <= service.MAX_FILES:
        raise InvalidInput(f"Send between 1 and {service.MAX_FILES} files.")
    overrides = {name[-255:] for name in as_run or []}
    uploads = []
    for upload in files:
        data = upload.file.read(MAX_FILE_BYTES + 1)
        name = (upload.filename or "upload")[-255:]
        uploads.append(service.Upload(
            name, data if len(data) <= MAX_FILE_BYTES else None, as_run=name in overrides))
    return service.create_job(
        runtime, session, runner_id=runner.sub, uploads=uploads, max_bytes=MAX_FILE_BYTES
    )


@router.get("/{job_id}")
def import_job(session: SessionDep, runner: RunReader, job_id: str) -> ImportJobRead:
    """An import job: each file's state, then its outcome."""
    return service.job_of(session, runner_id=runner.sub, job_id=job_id)
