"""The body of ``GET /api/v2/extract``: one page of extraction jobs."""

from __future__ import annotations

from ._base import Model
from .extract_v2_job import ExtractV2Job

__all__ = ["ExtractV2JobQueryResponse"]


class ExtractV2JobQueryResponse(Model):
    """Paginated list of extraction jobs."""

    items: list[ExtractV2Job]
    """The jobs of this page, newest first."""
    next_page_token: str | None = None
    """Sent as ``page_token`` to get the next page; absent on the last page."""
    total_size: int | None = None
    """The total number of jobs, when the server reports it (possibly an estimate)."""
