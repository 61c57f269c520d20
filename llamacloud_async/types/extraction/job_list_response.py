"""The body of ``GET /api/v1/extraction/jobs``: every job of an agent."""

from __future__ import annotations

from typing import TypeAlias

from .extract_job import ExtractJob

__all__ = ["JobListResponse"]

JobListResponse: TypeAlias = list[ExtractJob]
"""The jobs of one extraction agent."""
