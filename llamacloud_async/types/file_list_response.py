"""``FileListResponse``: an uploaded file, as ``files.list`` returns it."""

from __future__ import annotations

from ._file import UploadedFile

__all__ = ["FileListResponse"]


class FileListResponse(UploadedFile):
    """An uploaded file."""
