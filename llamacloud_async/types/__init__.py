"""Response models: msgspec Structs decoded straight from response bytes.

The modules mirror the official SDK's: ``types.extract_v2_job`` (2.x),
``types.extraction.extract_run`` (1.6) and so on, so a changed import is all it takes.
"""

from ._base import DumpMode, ExtractedData, JSONObject, Model
from .extract_configuration import ExtractConfiguration, ExtractionTarget, ExtractTier
from .extract_job_metadata import ExtractJobMetadata
from .extract_job_usage import ExtractJobUsage
from .extract_v2_job import ExtractJobStatus, ExtractV2Job, ExtractV2JobMetadata, ExtractV2JobUsage
from .extracted_field_metadata import ExtractedFieldMetadata
from .extraction import (
    ChunkMode,
    ExtractAgent,
    ExtractConfig,
    ExtractJob,
    ExtractMode,
    ExtractRun,
    ExtractRunStatus,
    ExtractTarget,
    JobGetResultResponse,
    Priority,
)
from .file import File

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
    "ExtractRunStatus",
    "ExtractTarget",
    "ExtractTier",
    "ExtractV2Job",
    "ExtractV2JobMetadata",
    "ExtractV2JobUsage",
    "ExtractedData",
    "ExtractedFieldMetadata",
    "ExtractionTarget",
    "File",
    "JSONObject",
    "JobGetResultResponse",
    "Model",
    "Priority",
]
