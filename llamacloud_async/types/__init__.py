"""Response models: msgspec Structs decoded straight from response bytes."""

from ._base import ExtractedData, JSONObject, Model
from .extract_v2 import (
    ExtractConfiguration,
    ExtractedFieldMetadata,
    ExtractionTarget,
    ExtractJobMetadata,
    ExtractJobStatus,
    ExtractJobUsage,
    ExtractTier,
    ExtractV2Job,
    ExtractV2JobMetadata,
    ExtractV2JobUsage,
)
from .extract_v2_job_query_response import ExtractV2JobQueryResponse
from .extraction import ExtractAgent, ExtractionJobStatus, ExtractJob, ExtractRunListResponse, JobListResponse
from .extraction_v1 import (
    ChunkMode,
    ExtractConfig,
    ExtractMode,
    ExtractRun,
    ExtractRunStatus,
    ExtractTarget,
    File,
    JobGetResultResponse,
    Priority,
)

__all__ = [
    "ChunkMode",
    "ExtractAgent",
    "ExtractConfig",
    "ExtractConfiguration",
    "ExtractJob",
    "ExtractJobMetadata",
    "ExtractJobStatus",
    "ExtractJobUsage",
    "ExtractMode",
    "ExtractRun",
    "ExtractRunListResponse",
    "ExtractRunStatus",
    "ExtractTarget",
    "ExtractTier",
    "ExtractV2Job",
    "ExtractV2JobMetadata",
    "ExtractV2JobQueryResponse",
    "ExtractV2JobUsage",
    "ExtractedData",
    "ExtractedFieldMetadata",
    "ExtractionJobStatus",
    "ExtractionTarget",
    "File",
    "JSONObject",
    "JobGetResultResponse",
    "JobListResponse",
    "Model",
    "Priority",
]
