"""Models of the v1 extraction API, at the official ``llama_cloud.types.extraction`` paths."""

from .extract_agent import ExtractAgent
from .extract_config import ChunkMode, ExtractConfig, ExtractMode, ExtractTarget, Priority
from .extract_job import ExtractJob
from .extract_run import ExtractRun, ExtractRunStatus
from .job_get_result_response import JobGetResultResponse

__all__ = [
    "ChunkMode",
    "ExtractAgent",
    "ExtractConfig",
    "ExtractJob",
    "ExtractMode",
    "ExtractRun",
    "ExtractRunStatus",
    "ExtractTarget",
    "JobGetResultResponse",
    "Priority",
]
