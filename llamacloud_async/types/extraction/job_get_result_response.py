"""The result of a v1 extraction job: ``llama_cloud.types.extraction.job_get_result_response``."""

from __future__ import annotations

from .._base import ExtractedData, JSONObject, Model

__all__ = ["JobGetResultResponse"]


class JobGetResultResponse(Model):
    """The result of an extraction job."""

    extraction_agent_id: str
    extraction_metadata: JSONObject
    run_id: str
    data: ExtractedData = None
    """The data extracted from the file (``None`` when there is none)."""
