"""The v2 extract configuration: ``llama_cloud.types.extract_configuration``."""

from __future__ import annotations

from typing import Final

from ._base import JSONObject, Model

__all__ = ["ExtractConfiguration", "ExtractTier", "ExtractionTarget"]


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
    """One of `ExtractionTarget`, or a value added by the server later."""
    max_pages: int | None = None
    parse_config_id: str | None = None
    parse_tier: str | None = None
    sheet_names: list[str] | None = None
    spreadsheet_mode: bool | None = None
    system_prompt: str | None = None
    target_pages: str | None = None
    tier: str | None = None
    """One of `ExtractTier`, or a value added by the server later."""
    version: str | None = None
