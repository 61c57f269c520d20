"""Models of the v1 extraction API, at the official ``llama_cloud.types.extraction`` paths."""

from .extract_agent import ExtractAgent
from .extract_config import ChunkMode, ExtractConfig, ExtractMode, ExtractTarget, Priority
from .extract_job import ExtractionJobStatus, ExtractJob
from .extract_run import ExtractRun, ExtractRunStatus
from .extract_run_list_response import ExtractRunListResponse
from .job_get_result_response import JobGetResultResponse
from .job_list_response import JobListResponse

__all__ = [
    "ChunkMode",
    "ExtractAgent",
    "ExtractConfig",
    "ExtractJob",
    "ExtractMode",
    "ExtractRun",
    "ExtractRunListResponse",
    "ExtractRunStatus",
    "ExtractTarget",
    "ExtractionJobStatus",
    "JobGetResultResponse",
    "JobListResponse",
    "Priority",
]
