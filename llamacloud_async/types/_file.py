"""The fields every uploaded-file model shares (``File*Response``)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ._base import Model, aware_or_none
from .presigned_url import PresignedURL

__all__ = ["FilePurpose", "UploadedFile"]


class FilePurpose:
    """Known values of ``purpose``: how the file will be used (its storage and retention)."""

    USER_DATA: Final = "user_data"
    PARSE: Final = "parse"
    EXTRACT: Final = "extract"
    CLASSIFY: Final = "classify"
    SPLIT: Final = "split"
    SHEET: Final = "sheet"
    AGENT_APP: Final = "agent_app"


class UploadedFile(Model):
    """An uploaded file: its ID for extract jobs, its name, project and metadata."""

    id: str
    """Unique file identifier."""
    name: str
    """File name including extension."""
    project_id: str
    """Project this file belongs to."""
    download_url: PresignedURL | None = None
    """A presigned URL to the content, when expanded."""
    expires_at: datetime | None = None
    """When the file expires and may be removed; ``None`` means no expiration."""
    external_file_id: str | None = None
    """The caller's own ID for the file, for correlating with an external system."""
    file_type: str | None = None
    """File extension (pdf, docx, png, …)."""
    last_modified_at: datetime | None = None
    """When the file was last modified."""
    purpose: str | None = None
    """One of `FilePurpose`, or a value the server added later."""

    def __post_init__(self) -> None:
        self.expires_at = aware_or_none(self.expires_at)
        self.last_modified_at = aware_or_none(self.last_modified_at)
