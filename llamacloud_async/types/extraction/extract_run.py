"""One v1 extraction run: ``llama_cloud.types.extraction.extract_run``."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from .._base import ExtractedData, JSONObject, Model, aware_or_none
from ..file import File
from .extract_config import ExtractConfig

__all__ = ["ExtractRun", "ExtractRunStatus"]


class ExtractRunStatus:
    """Known values of ``ExtractRun.status``; the server may add more."""

    CREATED: Final = "CREATED"
    PENDING: Final = "PENDING"
    SUCCESS: Final = "SUCCESS"
    ERROR: Final = "ERROR"


class ExtractRun(Model):
    """One extraction run: its configuration, status and extracted data."""

    id: str
    config: ExtractConfig
    data_schema: JSONObject
    extraction_agent_id: str
    from_ui: bool
    project_id: str
    status: str
    """One of `ExtractRunStatus`, or a value added by the server later."""
    created_at: datetime | None = None
    data: ExtractedData = None
    error: str | None = None
    extraction_metadata: JSONObject | None = None
    file: File | None = None
    """Deprecated by the server; use ``file_id``."""
    file_id: str | None = None
    job_id: str | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        self.created_at = aware_or_none(self.created_at)
        self.updated_at = aware_or_none(self.updated_at)
