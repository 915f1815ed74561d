from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from runnerly_kit.auth import Principal, require_scopes
from runnerly_mailer.deps import RuntimeDep
from runnerly_mailer.mail import service
from runnerly_mailer.mail.schemas import MailboxList

router = APIRouter(tags=["mail"])


@router.get("/messages", response_model=MailboxList)
def list_messages(
    runtime: RuntimeDep,
    _: Annotated[Principal, Depends(require_scopes("mail:read"))],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MailboxList:
    """The local mailbox, newest first (the embedded default's development mail page); 404
    unless in development, on a loopback public URL, with mail delivered to a Maildir."""
    return service.list_mailbox(runtime.dev_mailbox, limit)
