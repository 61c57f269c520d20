"""Endpoint groups, arranged as the URLs are."""

from .extract import AsyncExtractResource, AsyncExtractResourceWithRawResponse
from .extraction import (
    AsyncExtractionResource,
    AsyncJobsResource,
    AsyncJobsResourceWithRawResponse,
    AsyncRunsResource,
    AsyncRunsResourceWithRawResponse,
)

__all__ = [
    "AsyncExtractResource",
    "AsyncExtractResourceWithRawResponse",
    "AsyncExtractionResource",
    "AsyncJobsResource",
    "AsyncJobsResourceWithRawResponse",
    "AsyncRunsResource",
    "AsyncRunsResourceWithRawResponse",
]
