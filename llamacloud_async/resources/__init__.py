"""Endpoint groups, arranged as the URLs are."""

from .extract import AsyncExtractResource, AsyncExtractResourceWithRawResponse
from .extraction import (
    AsyncExtractionResource,
    AsyncJobsResource,
    AsyncJobsResourceWithRawResponse,
    AsyncRunsResource,
    AsyncRunsResourceWithRawResponse,
)
from .files import AsyncFilesResource, AsyncFilesResourceWithRawResponse

__all__ = [
    "AsyncExtractResource",
    "AsyncExtractResourceWithRawResponse",
    "AsyncExtractionResource",
    "AsyncFilesResource",
    "AsyncFilesResourceWithRawResponse",
    "AsyncJobsResource",
    "AsyncJobsResourceWithRawResponse",
    "AsyncRunsResource",
    "AsyncRunsResourceWithRawResponse",
]
