from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from runnerly_ingest.deps import Runner, RuntimeDep
from runnerly_ingest.files import MAX_FILE_BYTES
from runnerly_ingest.imports import service
from runnerly_ingest.imports.schemas import ImportResult
from runnerly_kit.errors import InvalidInput

router = APIRouter(prefix="/imports", tags=["imports"])


@router.post("")
def import_files(
    runtime: RuntimeDep,
    runner: Runner,
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
) -> ImportResult:
    """Import activity files as runs; each file gets its own outcome."""
    if not 1 <= len(files) <= service.MAX_FILES:
        raise InvalidInput(f"Send between 1 and {service.MAX_FILES} files.")
    runs = {name[-255:] for name in as_run or []}
    uploads = []
    for upload in files:
        data = upload.file.read(MAX_FILE_BYTES + 1)
        name = (upload.filename or "upload")[-255:]
        uploads.append(
            service.Upload(name, data if len(data) <= MAX_FILE_BYTES else None, name in runs)
        )
    return service.import_files(
        runtime.dataservice, runner.sub, uploads, MAX_FILE_BYTES, now=runtime.now()
    )
