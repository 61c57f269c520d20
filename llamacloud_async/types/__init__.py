"""Response models: msgspec Structs decoded straight from response bytes."""

from ._base import ExtractedData, JSONObject, Model
from ._file import FilePurpose, UploadedFile
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
from .file_create_response import FileCreateResponse
from .file_list_response import FileListResponse
from .file_retrieve_response import FileRetrieveResponse
from .presigned_url import PresignedURL

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
    "FileCreateResponse",
    "FileListResponse",
    "FilePurpose",
    "FileRetrieveResponse",
    "JSONObject",
    "JobGetResultResponse",
    "JobListResponse",
    "Model",
    "PresignedURL",
    "Priority",
    "UploadedFile",
]
