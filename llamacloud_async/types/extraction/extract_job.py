"""A v1 extraction job: ``GET /api/v1/extraction/jobs/{job_id}``."""

from __future__ import annotations

from typing import Final

from .._base import Model
from ..file import File
from .extract_agent import ExtractAgent

__all__ = ["ExtractJob", "ExtractionJobStatus"]


class ExtractionJobStatus:
    """Known values of ``ExtractJob.status``; the server may add more."""

    PENDING: Final = "PENDING"
    SUCCESS: Final = "SUCCESS"
    ERROR: Final = "ERROR"
    PARTIAL_SUCCESS: Final = "PARTIAL_SUCCESS"
    CANCELLED: Final = "CANCELLED"


class ExtractJob(Model):
    """Schema for an extraction job."""

    id: str
    extraction_agent: ExtractAgent
    """The agent the job runs on."""
    status: str
    """One of `ExtractionJobStatus`, or a value added by the server later."""
    error: str | None = None
    """The error that occurred during extraction."""
    file: File | None = None
    file_id: str | None = None
    """The file the data is extracted from."""
