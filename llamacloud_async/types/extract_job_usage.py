"""Usage metrics of a v2 extract job: ``llama_cloud.types.extract_job_usage``."""

from __future__ import annotations

from ._base import Model

__all__ = ["ExtractJobUsage"]


class ExtractJobUsage(Model):
    """Extraction usage metrics."""

    num_document_tokens: int | None = None
    num_output_tokens: int | None = None
    num_pages_billed: int | None = None
    num_pages_extracted: int | None = None
