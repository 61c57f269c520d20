"""A file known to LlamaCloud: ``llama_cloud.types.file`` (1.6)."""

from __future__ import annotations

from datetime import datetime

from ._base import JSONObject, Model, aware_or_none

__all__ = ["File"]


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
