"""File imports in ingest's own shapes (``contract``, generated from its contract), which
the dashboard passes on whole."""

from __future__ import annotations

from runnerly_dashboard.imports.contract import FileOutcome, ImportJobRead

__all__ = ["FileOutcome", "ImportJob"]

ImportJob = ImportJobRead
