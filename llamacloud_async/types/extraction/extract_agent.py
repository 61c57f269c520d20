"""An extraction agent: the schema and configuration a v1 job runs with."""

from __future__ import annotations

from datetime import datetime

from .._base import JSONObject, Model, aware_or_none
from ..extraction_v1 import ExtractConfig

__all__ = ["ExtractAgent"]


class ExtractAgent(Model):
    """Schema and configuration for an extraction agent."""

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
