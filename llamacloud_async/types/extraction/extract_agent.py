"""A v1 extraction agent: ``llama_cloud.types.extraction.extract_agent``."""

from __future__ import annotations

from datetime import datetime

from .._base import JSONObject, Model, aware_or_none
from .extract_config import ExtractConfig

__all__ = ["ExtractAgent"]


class ExtractAgent(Model):
    """An extraction agent: a named schema and configuration."""

    id: str
    config: ExtractConfig
    data_schema: JSONObject
    name: str
    project_id: str
    created_at: datetime | None = None
    custom_configuration: str | None = None
    """``"default"``, or a value added by the server later."""
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        self.created_at = aware_or_none(self.created_at)
        self.updated_at = aware_or_none(self.updated_at)
