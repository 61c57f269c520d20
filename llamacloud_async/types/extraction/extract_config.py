"""The configuration of a v1 extraction: ``llama_cloud.types.extraction.extract_config``."""

from __future__ import annotations

from typing import Final

from .._base import Model

__all__ = ["ChunkMode", "ExtractConfig", "ExtractMode", "ExtractTarget", "Priority"]


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
