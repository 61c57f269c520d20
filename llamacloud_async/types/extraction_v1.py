"""Models of the v1 extraction API: jobs' results and runs."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import ExtractedData, JSONObject, Model, aware_or_none

__all__ = [
    "ChunkMode",
    "ExtractConfig",
    "ExtractMode",
    "ExtractRun",
    "ExtractRunStatus",
    "ExtractTarget",
    "File",
    "JobGetResultResponse",
    "Priority",
]


class ExtractRunStatus:
    """Known values of ``ExtractRun.status``; the server may add more."""

    CREATED: Final = "CREATED"
    PENDING: Final = "PENDING"
    SUCCESS: Final = "SUCCESS"
    ERROR: Final = "ERROR"


class ExtractMode:
    """Known values of ``ExtractConfig.extraction_mode``."""

    FAST: Final = "FAST"
    BALANCED: Final = "BALANCED"
    PREMIUM: Final = "PREMIUM"
    MULTIMODAL: Final = "MULTIMODAL"


class ExtractTarget:
    """Known values of ``ExtractConfig.extraction_target``."""

    PER_DOC: Final = "PER_DOC"
    PER_PAGE: Final = "PER_PAGE"
    PER_TABLE_ROW: Final = "PER_TABLE_ROW"


class ChunkMode:
    """Known values of ``ExtractConfig.chunk_mode``."""

    PAGE: Final = "PAGE"
    SECTION: Final = "SECTION"


class Priority:
    """Known values of ``ExtractConfig.priority``."""

    LOW: Final = "low"
    MEDIUM: Final = "medium"
    HIGH: Final = "high"
    CRITICAL: Final = "critical"


class ExtractConfig(Model):
    """The configuration an extraction run used.

    ``extract_model`` and ``parse_model`` are model names such as ``"openai-gpt-4-1"``
    or ``"gemini-2.5-pro"``; they are plain strings because the list keeps growing.
    """

    chunk_mode: str | None = None
    citation_bbox: bool | None = None
    """Deprecated: synonymous with ``cite_sources``."""
    cite_sources: bool | None = None
    confidence_scores: bool | None = None
    extract_model: str | None = None
    extraction_mode: str | None = None
    extraction_target: str | None = None
    high_resolution_mode: bool | None = None
    invalidate_cache: bool | None = None
    multimodal_fast_mode: bool | None = None
    """Deprecated."""
    num_pages_context: int | None = None
    page_range: str | None = None
    parse_model: str | None = None
    priority: str | None = None
    system_prompt: str | None = None
    use_reasoning: bool | None = None


class File(Model):
    """A file known to LlamaCloud."""

    id: str
    name: str
    project_id: str
    created_at: datetime | None = None
    data_source_id: str | None = None
    expires_at: datetime | None = None
    external_file_id: str | None = None
    file_size: int | None = None
    file_type: str | None = None
    last_modified_at: datetime | None = None
    permission_info: JSONObject | None = None
    purpose: str | None = None
    resource_info: JSONObject | None = None
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        self.created_at = aware_or_none(self.created_at)
        self.expires_at = aware_or_none(self.expires_at)
        self.last_modified_at = aware_or_none(self.last_modified_at)
        self.updated_at = aware_or_none(self.updated_at)


class ExtractRun(Model):
    """One extraction run: its configuration, status and extracted data."""

    id: str
    config: ExtractConfig
    data_schema: JSONObject
    extraction_agent_id: str
    from_ui: bool
    project_id: str
    status: str
    """One of :class:`ExtractRunStatus`, or a value added by the server later."""
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


class JobGetResultResponse(Model):
    """The result of an extraction job."""

    data: ExtractedData
    extraction_agent_id: str
    extraction_metadata: JSONObject
    run_id: str
