"""A v1 extraction job: ``llama_cloud.types.extraction.extract_job``."""

from __future__ import annotations

from .._base import Model
from ..file import File
from .extract_agent import ExtractAgent

__all__ = ["ExtractJob"]


class ExtractJob(Model):
    """An extraction job of the v1 API: its agent, status and file."""

    id: str
    extraction_agent: ExtractAgent
    status: str
    """``PENDING``, ``SUCCESS``, ``ERROR``, ``PARTIAL_SUCCESS``, ``CANCELLED``, or a value
    added by the server later."""
    error: str | None = None
    file: File | None = None
    file_id: str | None = None
