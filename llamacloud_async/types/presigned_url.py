"""``PresignedURL``: a time-limited URL to a private file, as ``files.content`` returns."""

from __future__ import annotations

from datetime import datetime

from ._base import Model, aware

__all__ = ["PresignedURL"]


class PresignedURL(Model):
    """A presigned URL for reading (or, with ``form_fields``, writing) a private file."""

    expires_at: datetime
    """When the URL stops working."""
    url: str
    """The URL itself; anyone holding it can use it until it expires."""
    form_fields: dict[str, str] | None = None
    """Form fields for a presigned POST request."""

    def __post_init__(self) -> None:
        self.expires_at = aware(self.expires_at)

    def __repr__(self) -> str:
        return f"PresignedURL(expires_at={self.expires_at!r}, url=<redacted>)"
