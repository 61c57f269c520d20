"""The v2 extract API: ``/api/v2/extract``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from .._types import NOT_GIVEN, Timeout
from .._validation import path_segment, query_string
from ..types.extract_v2 import ExtractV2Job
from ._base import AsyncAPIResource, as_raw


class AsyncExtractResource(AsyncAPIResource):
    """Extraction jobs of the v2 API."""

    @cached_property
    def with_raw_response(self) -> AsyncExtractResourceWithRawResponse:
        """The same methods, returning the undecoded ``RawResponse``."""
        return AsyncExtractResourceWithRawResponse(AsyncExtractResource(self._client, raw=True))

    async def get(
        self,
        job_id: str,
        *,
        expand: str | Sequence[str] | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ExtractV2Job:
        """Get one extraction job by ID: ``GET /api/v2/extract/{job_id}``.

        Args:
            job_id: The job's ID.
            expand: Extra sections to include: ``"configuration"``,
                ``"extract_metadata"``, ``"usage"`` (one value or a list).
            organization_id: The organization to read from.
            project_id: The project to read from.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Returns:
            The job, with ``extract_result`` once it has completed.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment, or ``expand``
                has an unknown value.
            NotFoundError: No such job.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            "/api/v2/extract/" + path_segment("job_id", job_id),
            query_string(expand=expand, organization_id=organization_id, project_id=project_id),
            ExtractV2Job,
            timeout,
        )


class AsyncExtractResourceWithRawResponse:
    """``client.extract.with_raw_response``: each method returns a ``RawResponse``."""

    def __init__(self, extract: AsyncExtractResource) -> None:
        self.get = as_raw(extract.get)
