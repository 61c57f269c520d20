"""The v1 extraction API: ``/api/v1/extraction/jobs`` and ``/api/v1/extraction/runs``."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from .._types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from .._validation import path_segment, query_string
from ..bulk import BulkFetch, BulkOptions
from ..types.extraction import ExtractRun, JobGetResultResponse
from ._base import AsyncAPIResource, as_raw, as_raw_bulk

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncLlamaCloud


class AsyncExtractionResource:
    """The v1 extraction API, grouped as the URLs are: ``jobs`` and ``runs``."""

    def __init__(self, client: AsyncLlamaCloud) -> None:
        self._client = client

    @cached_property
    def jobs(self) -> AsyncJobsResource:
        """Extraction jobs: ``client.extraction.jobs.get_result(job_id)``."""
        return AsyncJobsResource(self._client)

    @cached_property
    def runs(self) -> AsyncRunsResource:
        """Extraction runs: ``client.extraction.runs.get(run_id)``."""
        return AsyncRunsResource(self._client)


class AsyncJobsResource(AsyncAPIResource):
    """Extraction jobs of the v1 API."""

    @cached_property
    def with_raw_response(self) -> AsyncJobsResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncJobsResourceWithRawResponse(AsyncJobsResource(self._client, raw=True))

    async def get_result(
        self,
        job_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> JobGetResultResponse:
        """Get an extraction job's result: ``GET /api/v1/extraction/jobs/{job_id}/result``.

        Args:
            job_id: The job's ID.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The extracted data and its metadata.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment.
            NotFoundError: No such job, or it has no result yet.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            f"/api/v1/extraction/jobs/{path_segment('job_id', job_id)}/result"
            + query_string(organization_id=organization_id, project_id=project_id),
            JobGetResultResponse,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    def get_results(
        self,
        job_ids: Iterable[str] | AsyncIterable[str],
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **options: Unpack[BulkOptions],
    ) -> BulkFetch[JobGetResultResponse]:
        """Get the results of many extraction jobs, concurrently.

        Returns an async iterator of ``BulkResult``, one per ID, as they complete; see
        ``BulkOptions`` for ``concurrency``, ``ordered``, ``fail_fast``, ``on_progress`` and
        ``progress``.

        Args:
            job_ids: The IDs to fetch.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for every request (``Authorization`` is refused).
            extra_query: Query parameters for every request, beside the method's own.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: ``organization_id``, ``project_id`` or a bulk option is malformed.
        """
        return self._bulk(
            job_ids,
            AsyncJobsResource.get_result,
            {"organization_id": organization_id, "project_id": project_id},
            timeout,
            options,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )


class AsyncJobsResourceWithRawResponse:
    """``client.extraction.jobs.with_raw_response``: each method returns an ``AsyncAPIResponse``."""

    def __init__(self, jobs: AsyncJobsResource) -> None:
        self.get_result = as_raw(jobs.get_result)
        self.get_results = as_raw_bulk(jobs.get_results)


class AsyncRunsResource(AsyncAPIResource):
    """Extraction runs of the v1 API."""

    @cached_property
    def with_raw_response(self) -> AsyncRunsResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncRunsResourceWithRawResponse(AsyncRunsResource(self._client, raw=True))

    async def get(
        self,
        run_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractRun:
        """Get an extraction run by ID: ``GET /api/v1/extraction/runs/{run_id}``.

        Args:
            run_id: The run's ID.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The run, with its configuration, status and extracted data.

        Raises:
            ValueError: ``run_id`` is empty or not a single path segment.
            NotFoundError: No such run.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            "/api/v1/extraction/runs/"
            + path_segment("run_id", run_id)
            + query_string(organization_id=organization_id, project_id=project_id),
            ExtractRun,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    async def get_by_job(
        self,
        job_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractRun:
        """Get the run of an extraction job: ``GET /api/v1/extraction/runs/by-job/{job_id}``.

        Args:
            job_id: The job's ID.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The job's run, with its configuration, status and extracted data.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment.
            NotFoundError: No such job, or it has no run yet.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            "/api/v1/extraction/runs/by-job/"
            + path_segment("job_id", job_id)
            + query_string(organization_id=organization_id, project_id=project_id),
            ExtractRun,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    def get_many(
        self,
        run_ids: Iterable[str] | AsyncIterable[str],
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **options: Unpack[BulkOptions],
    ) -> BulkFetch[ExtractRun]:
        """Get many extraction runs by ID, concurrently.

        Returns an async iterator of ``BulkResult``, one per ID, as they complete; see
        ``BulkOptions`` for ``concurrency``, ``ordered``, ``fail_fast``, ``on_progress`` and
        ``progress``.

        Args:
            run_ids: The IDs to fetch.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for every request (``Authorization`` is refused).
            extra_query: Query parameters for every request, beside the method's own.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: ``organization_id``, ``project_id`` or a bulk option is malformed.
        """
        return self._bulk(
            run_ids,
            AsyncRunsResource.get,
            {"organization_id": organization_id, "project_id": project_id},
            timeout,
            options,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )

    def get_many_by_job(
        self,
        job_ids: Iterable[str] | AsyncIterable[str],
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        **options: Unpack[BulkOptions],
    ) -> BulkFetch[ExtractRun]:
        """Get the runs of many extraction jobs, concurrently.

        Returns an async iterator of ``BulkResult``, one per ID, as they complete; see
        ``BulkOptions`` for ``concurrency``, ``ordered``, ``fail_fast``, ``on_progress`` and
        ``progress``.

        Args:
            job_ids: The IDs to fetch.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for every request (``Authorization`` is refused).
            extra_query: Query parameters for every request, beside the method's own.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: ``organization_id``, ``project_id`` or a bulk option is malformed.
        """
        return self._bulk(
            job_ids,
            AsyncRunsResource.get_by_job,
            {"organization_id": organization_id, "project_id": project_id},
            timeout,
            options,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )


class AsyncRunsResourceWithRawResponse:
    """``client.extraction.runs.with_raw_response``: each method returns an ``AsyncAPIResponse``."""

    def __init__(self, runs: AsyncRunsResource) -> None:
        self.get = as_raw(runs.get)
        self.get_by_job = as_raw(runs.get_by_job)
        self.get_many = as_raw_bulk(runs.get_many)
        self.get_many_by_job = as_raw_bulk(runs.get_many_by_job)
