"""The body of ``GET /api/v1/extraction/runs``: one skip/limit page of runs."""

from __future__ import annotations

from .._base import Model
from .extract_run import ExtractRun

__all__ = ["ExtractRunListResponse"]


class ExtractRunListResponse(Model):
    """A page of an agent's extraction runs."""

    items: list[ExtractRun]
    """The runs of this page."""
    total: int | None = None
    """How many runs the agent has in all."""
    skip: int | None = None
    """How many runs come before this page."""
    limit: int | None = None
    """The most runs a page holds."""
