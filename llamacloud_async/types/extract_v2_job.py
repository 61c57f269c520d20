"""The v2 extract job: ``llama_cloud.types.extract_v2_job`` (``GET /api/v2/extract/{job_id}``)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import ExtractedData, JSONObject, Model, aware
from .extract_configuration import ExtractConfiguration
from .extract_job_metadata import ExtractJobMetadata
from .extract_job_usage import ExtractJobUsage

__all__ = [
    "ExtractJobStatus",
    "ExtractV2Job",
    "ExtractV2JobMetadata",
    "ExtractV2JobUsage",
    "Metadata",
    "Usage",
]


class ExtractJobStatus:
    """Known values of ``ExtractV2Job.status``; the server may add more."""

    PENDING: Final = "PENDING"
    THROTTLED: Final = "THROTTLED"
    RUNNING: Final = "RUNNING"
    COMPLETED: Final = "COMPLETED"
    FAILED: Final = "FAILED"
    CANCELLED: Final = "CANCELLED"


class ExtractV2JobMetadata(Model):
    """Job-level metadata."""

    usage: ExtractJobUsage | None = None


class ExtractV2JobUsage(Model):
    """Credits billed against a job (``expand=["usage"]``)."""

    credits: float | None = None
    extract_credits: float | None = None
    parse_credits: float | None = None


class ExtractV2Job(Model):
    """An extraction job.

    The server has sent two shapes: the input as ``file_input``, or as ``type`` and
    ``value`` with the settings in ``parameters``. Both decode; the fields of the
    shape not sent are ``None``.
    """

    id: str
    created_at: datetime
    project_id: str
    status: str
    """One of `ExtractJobStatus`, or a value added by the server later."""
    updated_at: datetime
    file_input: str | None = None
    """File ID or parse job ID that was extracted."""
    parameters: JSONObject | None = None
    type: str | None = None
    """Kind of document input: ``url``, ``file_id`` or ``parse_job_id``."""
    value: str | None = None
    """Document identifier (URL, file ID or parse job ID)."""
    configuration: ExtractConfiguration | None = None
    configuration_id: str | None = None
    error_message: str | None = None
    extract_metadata: ExtractJobMetadata | None = None
    extract_result: ExtractedData = None
    """Extracted data: an object for ``per_doc``, a list for per page or per row."""
    metadata: ExtractV2JobMetadata | None = None
    usage: ExtractV2JobUsage | None = None

    def __post_init__(self) -> None:
        self.created_at = aware(self.created_at)
        self.updated_at = aware(self.updated_at)


Metadata = ExtractV2JobMetadata
"""The official name of ``ExtractV2Job.metadata``'s model."""
Usage = ExtractV2JobUsage
"""The official name of ``ExtractV2Job.usage``'s model."""
