"""Response models: msgspec Structs decoded straight from response bytes.

The modules mirror the official SDK's: ``types.extract_v2_job`` (2.x),
``types.extraction.extract_run`` (1.6) and so on, so a changed import is all it takes.
"""

from ._base import DumpMode, ExtractedData, JSONObject, Model
from ._file import FilePurpose, UploadedFile
from .extract_configuration import ExtractConfiguration, ExtractionTarget, ExtractTier
from .extract_job_metadata import ExtractJobMetadata
from .extract_job_usage import ExtractJobUsage
from .extract_v2_job import ExtractJobStatus, ExtractV2Job, ExtractV2JobMetadata, ExtractV2JobUsage
from .extract_v2_job_query_response import ExtractV2JobQueryResponse
from .extracted_field_metadata import ExtractedFieldMetadata
from .extraction import (
    ChunkMode,
    ExtractAgent,
    ExtractConfig,
    ExtractionJobStatus,
    ExtractJob,
    ExtractMode,
    ExtractRun,
    ExtractRunListResponse,
    ExtractRunStatus,
    ExtractTarget,
    JobGetResultResponse,
    JobListResponse,
    Priority,
)
from .file import File
from .file_create_response import FileCreateResponse
from .file_list_response import FileListResponse
from .file_retrieve_response import FileRetrieveResponse
from .presigned_url import PresignedURL

__all__ = [
    "ChunkMode",
    "DumpMode",
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
