"""The v2 extract API: ``/api/v2/extract``."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from .._types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from .._validation import path_segment, query_string
from ..bulk import BulkFetch, BulkOptions
from ..types.extract_v2_job import ExtractV2Job
from ._base import AsyncAPIResource, as_raw, as_raw_bulk

if TYPE_CHECKING:
    from typing_extensions import Unpack


class AsyncExtractResource(AsyncAPIResource):
    """Extraction jobs of the v2 API."""

    @cached_property
    def with_raw_response(self) -> AsyncExtractResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncExtractResourceWithRawResponse(AsyncExtractResource(self._client, raw=True))

    async def get(
        self,
        job_id: str,
        *,
        expand: str | Sequence[str] | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractV2Job:
        """Get one extraction job by ID: ``GET /api/v2/extract/{job_id}``.

        Args:
            job_id: The job's ID.
            expand: Extra sections to include: ``"configuration"``,
                ``"extract_metadata"``, ``"usage"`` (one value or a list).
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The job, with ``extract_result`` once it has completed.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment, or ``expand``
                has an unknown value.
            NotFoundError: No such job.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            "/api/v2/extract/"
            + path_segment("job_id", job_id)
            + query_string(expand=expand, organization_id=organization_id, project_id=project_id),
            ExtractV2Job,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    def get_many(
        self,
        job_ids: Iterable[str] | AsyncIterable[str],
        *,
        expand: str | Sequence[str] | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **options: Unpack[BulkOptions],
    ) -> BulkFetch[ExtractV2Job]:
        """Get many extraction jobs by ID, concurrently.

        Returns an async iterator of ``BulkResult``, one per ID, as they complete; see
        ``BulkOptions`` for ``concurrency``, ``ordered``, ``fail_fast``, ``on_progress`` and
        ``progress``.

        Args:
            job_ids: The IDs to fetch.
            expand: Extra sections to include for every job: ``"configuration"``,
                ``"extract_metadata"``, ``"usage"``.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for every request (``Authorization`` is refused).
            extra_query: Query parameters for every request, beside the method's own.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: ``organization_id``, ``project_id``, ``expand`` or a bulk option is
                malformed.
        """
        return self._bulk(
            job_ids,
            AsyncExtractResource.get,
            {"expand": expand, "organization_id": organization_id, "project_id": project_id},
            timeout,
            options,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )


class AsyncExtractResourceWithRawResponse:
    """``client.extract.with_raw_response``: each method returns an ``AsyncAPIResponse``."""

    def __init__(self, extract: AsyncExtractResource) -> None:
        self.get = as_raw(extract.get)
        self.get_many = as_raw_bulk(extract.get_many)
