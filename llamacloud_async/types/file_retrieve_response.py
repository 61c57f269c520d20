"""``FileRetrieveResponse``: an uploaded file, as ``files.retrieve`` returns it."""

from __future__ import annotations

from ._file import UploadedFile

__all__ = ["FileRetrieveResponse"]


class FileRetrieveResponse(UploadedFile):
    """An uploaded file."""
