"""Models of the v1 extraction API's jobs, at the official ``types.extraction`` paths."""

from .extract_agent import ExtractAgent
from .extract_job import ExtractionJobStatus, ExtractJob
from .extract_run_list_response import ExtractRunListResponse
from .job_list_response import JobListResponse

__all__ = ["ExtractAgent", "ExtractJob", "ExtractRunListResponse", "ExtractionJobStatus", "JobListResponse"]
