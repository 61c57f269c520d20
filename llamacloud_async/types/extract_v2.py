"""Models of the v2 extract API: ``GET /api/v2/extract/{job_id}``."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import ExtractedData, JSONObject, Model, aware

__all__ = [
    "ExtractConfiguration",
    "ExtractJobMetadata",
    "ExtractJobStatus",
    "ExtractJobUsage",
    "ExtractTier",
    "ExtractV2Job",
    "ExtractV2JobMetadata",
    "ExtractV2JobUsage",
    "ExtractedFieldMetadata",
    "ExtractionTarget",
]


class ExtractJobStatus:
    """Known values of ``ExtractV2Job.status``; the server may add more."""

    PENDING: Final = "PENDING"
    THROTTLED: Final = "THROTTLED"
    RUNNING: Final = "RUNNING"
    COMPLETED: Final = "COMPLETED"
    FAILED: Final = "FAILED"
    CANCELLED: Final = "CANCELLED"


class ExtractionTarget:
    """Known values of ``ExtractConfiguration.extraction_target``."""

    PER_DOC: Final = "per_doc"
    PER_PAGE: Final = "per_page"
    PER_TABLE_ROW: Final = "per_table_row"


class ExtractTier:
    """Known values of ``ExtractConfiguration.tier`` and ``parse_tier``."""

    COST_EFFECTIVE: Final = "cost_effective"
    AGENTIC: Final = "agentic"
    AGENTIC_PLUS: Final = "agentic_plus"
    TURBO: Final = "turbo"
    FAST: Final = "fast"


class ExtractConfiguration(Model):
    """Extract configuration combining parse and extract settings."""

    data_schema: JSONObject
    """JSON Schema defining the fields to extract."""
    advanced_citations: bool | None = None
    cite_sources: bool | None = None
    confidence_scores: bool | None = None
    disable_cache: bool | None = None
    extraction_target: str | None = None
    """One of :class:`ExtractionTarget`, or a value added by the server later."""
    max_pages: int | None = None
    parse_config_id: str | None = None
    parse_tier: str | None = None
    sheet_names: list[str] | None = None
    spreadsheet_mode: bool | None = None
    system_prompt: str | None = None
    target_pages: str | None = None
    tier: str | None = None
    """One of :class:`ExtractTier`, or a value added by the server later."""
    version: str | None = None


class ExtractedFieldMetadata(Model):
    """Metadata for extracted fields: per document, per page and per row."""

    document_metadata: JSONObject | None = None
    page_metadata: list[JSONObject] | None = None
    row_metadata: list[JSONObject] | None = None


class ExtractJobUsage(Model):
    """Extraction usage metrics."""

    num_document_tokens: int | None = None
    num_output_tokens: int | None = None
    num_pages_billed: int | None = None
    num_pages_extracted: int | None = None


class ExtractJobMetadata(Model):
    """Extraction metadata (``expand=["extract_metadata"]``)."""

    field_metadata: ExtractedFieldMetadata | None = None
    parse_job_id: str | None = None
    parse_tier: str | None = None
    usage: ExtractJobUsage | None = None


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
    """One of :class:`ExtractJobStatus`, or a value added by the server later."""
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
