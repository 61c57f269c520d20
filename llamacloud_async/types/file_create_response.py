"""``FileCreateResponse``: an uploaded file, as ``files.create`` returns it."""

from __future__ import annotations

from ._file import UploadedFile

__all__ = ["FileCreateResponse"]


class FileCreateResponse(UploadedFile):
    """An uploaded file."""
