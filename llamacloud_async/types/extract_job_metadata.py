"""Extraction metadata of a v2 job: ``llama_cloud.types.extract_job_metadata``."""

from __future__ import annotations

from ._base import Model
from .extract_job_usage import ExtractJobUsage
from .extracted_field_metadata import ExtractedFieldMetadata

__all__ = ["ExtractJobMetadata"]


class ExtractJobMetadata(Model):
    """Extraction metadata (``expand=["extract_metadata"]``)."""

    field_metadata: ExtractedFieldMetadata | None = None
    parse_job_id: str | None = None
    parse_tier: str | None = None
    usage: ExtractJobUsage | None = None
