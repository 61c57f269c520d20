"""The v1 extraction API: ``/api/v1/extraction/jobs`` and ``/api/v1/extraction/runs``."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, cast

from .._errors import APIError
from .._idempotency import create_once, create_request, key_for
from .._polling import DEFAULT_POLLING_TIMEOUT, BackoffStrategy, JobStates, PollSchedule
from .._request import NO_EXTRAS, Extras, checked_extras
from .._transport import Reply
from .._types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from .._validation import (
    choice,
    encode_query,
    json_body,
    mapping,
    mappings,
    non_negative_int,
    optional_bool,
    path_segment,
    positive_int,
    query_string,
    text,
)
from ..bulk import BulkFetch, BulkOptions
from ..pagination import AsyncPaginatedExtractRuns, AsyncPaginator, PageRequest, runs_page
from ..types.extraction import ExtractRun, JobGetResultResponse, Priority
from ..types.extraction.extract_job import ExtractionJobStatus, ExtractJob
from ..types.extraction.job_list_response import JobListResponse
from ._base import AsyncAPIResource, as_raw, as_raw_bulk

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._client import AsyncLlamaCloud


PRIORITIES: Final = (Priority.LOW, Priority.MEDIUM, Priority.HIGH, Priority.CRITICAL)
"""The values ``jobs.create(priority=...)`` accepts."""

JOB_STATES: Final = JobStates(
    succeeded=frozenset({ExtractionJobStatus.SUCCESS, ExtractionJobStatus.PARTIAL_SUCCESS}),
    failed=frozenset({ExtractionJobStatus.ERROR, ExtractionJobStatus.CANCELLED}),
    error_text=lambda job: getattr(job, "error", None),
)


def _status(job: ExtractJob) -> str:
    return job.status


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

    async def create(
        self,
        *,
        extraction_agent_id: str,
        file_id: str,
        from_ui: bool | None = None,
        config_override: Mapping[str, Any] | None = None,
        data_schema_override: Mapping[str, Any] | str | None = None,
        priority: str | None = None,
        webhook_configurations: Iterable[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractJob:
        """Run an extraction agent on a file: ``POST /api/v1/extraction/jobs``.

        The request carries an ``Idempotency-Key`` (``idempotency_key``, or a fresh one),
        the same on every attempt, and is resent blindly only when the failure proves
        the server never processed it. After an ambiguous failure (a timeout or reset
        after sending, a 5xx) the agent's jobs are listed: when none is for this file,
        the job is created again; when some are, the v1 API cannot tell which one (if
        any) this call made, so the original error is raised rather than risking a
        second job.

        Args:
            extraction_agent_id: The agent to run.
            file_id: The file to extract from.
            from_ui: Whether the request comes from the web UI.
            config_override: Settings overriding the agent's configuration.
            data_schema_override: A schema (or its JSON text) overriding the agent's.
            priority: ``"low"``, ``"medium"``, ``"high"`` or ``"critical"`` (the server
                may ignore it, depending on the organization's tier).
            webhook_configurations: Webhook endpoints to notify on status changes.
            idempotency_key: The key to send instead of a fresh one.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields merged into the JSON body (refused where there is none).
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The new job, usually ``PENDING``.

        Raises:
            ValueError: An argument is malformed.
            APIError: The create failed (see the error hierarchy).
        """
        body: dict[str, Any] = {
            "extraction_agent_id": text("extraction_agent_id", extraction_agent_id),
            "file_id": text("file_id", file_id),
        }
        if config_override is not None:
            body["config_override"] = mapping("config_override", config_override)
        if data_schema_override is not None:
            body["data_schema_override"] = (
                data_schema_override
                if isinstance(data_schema_override, str)
                else mapping("data_schema_override", data_schema_override)
            )
        if priority is not None:
            body["priority"] = choice("priority", priority, PRIORITIES)
        if webhook_configurations is not None:
            body["webhook_configurations"] = mappings("webhook_configurations", webhook_configurations)
        request = create_request(
            "/api/v1/extraction/jobs" + encode_query({"from_ui": optional_bool("from_ui", from_ui)}),
            json_body(body),
            key_for(idempotency_key),
            timeout,
        ).with_extras(extra_headers, extra_query, extra_body)

        async def reconcile(error: APIError) -> None:
            jobs = await self._list(extraction_agent_id, timeout, extra_headers)
            if any(job.file_id == file_id for job in jobs):
                raise error

        outcome = await create_once(self._requests, request, reconcile)
        assert isinstance(outcome, Reply)
        return self._decoded(outcome, ExtractJob)

    async def get(
        self,
        job_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractJob:
        """Get an extraction job and its status: ``GET /api/v1/extraction/jobs/{job_id}``.

        Args:
            job_id: The job's ID.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The job: its status, agent and file.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment.
            NotFoundError: No such job.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._get(
            "/api/v1/extraction/jobs/" + path_segment("job_id", job_id),
            ExtractJob,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    async def list(
        self,
        *,
        extraction_agent_id: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> JobListResponse:
        """List an agent's extraction jobs: ``GET /api/v1/extraction/jobs``.

        Args:
            extraction_agent_id: The agent whose jobs to list.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            Every job of the agent (the v1 API does not page them).

        Raises:
            ValueError: ``extraction_agent_id`` is empty.
            APIError: The request failed (see the error hierarchy).
        """
        path = "/api/v1/extraction/jobs" + encode_query(
            {"extraction_agent_id": text("extraction_agent_id", extraction_agent_id)}
        )
        return await self._get(
            path,
            JobListResponse,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    async def _list(
        self, extraction_agent_id: str, timeout: TimeoutArg, extra_headers: Headers | None
    ) -> JobListResponse:
        path = "/api/v1/extraction/jobs" + encode_query({"extraction_agent_id": extraction_agent_id})
        return await self._read(path, JobListResponse, timeout, (extra_headers, None, None))

    async def wait_for_completion(
        self,
        job_id: str,
        *,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        verbose: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> ExtractJob:
        """Poll a job until it finishes; the job once SUCCESS or PARTIAL_SUCCESS.

        Polls at once, then on the same jittered schedule as
        ``client.extract.wait_for_completion``, under one total ``timeout``; an unknown
        status counts as still running, and a transient poll failure does not end the wait.

        Args:
            job_id: The job's ID.
            polling_interval: Seconds before the second poll.
            max_interval: The longest sleep between polls.
            timeout: Seconds the whole wait may take (two hours by default).
            backoff: ``"constant"``, ``"linear"`` (default) or ``"exponential"``.
            verbose: Log a progress line at INFO every 10 polls.
            extra_headers: Headers for every poll (``Authorization`` is refused).
            extra_query: Query parameters for every poll.
            extra_body: Accepted for compatibility; a poll is a GET, so it must be empty.

        Returns:
            The finished job; its data is ``get_result(job_id)``.

        Raises:
            ValueError: An argument is malformed or out of range.
            PollingError: The job ended ERROR or CANCELLED; ``e.job`` is the job.
            PollingTimeoutError: ``timeout`` passed first.
            APIError: A poll failed in a way another would not mend.
        """
        schedule = PollSchedule.checked(
            polling_interval=polling_interval, max_interval=max_interval, timeout=timeout, backoff=backoff
        )
        extras = checked_extras((extra_headers, extra_query, extra_body))
        return await self._wait(job_id, schedule, verbose=verbose, extras=extras)

    async def _wait(
        self,
        job_id: str,
        schedule: PollSchedule,
        *,
        verbose: bool,
        first_delay: float = 0.0,
        extras: Extras = NO_EXTRAS,
    ) -> ExtractJob:
        path = "/api/v1/extraction/jobs/" + path_segment("job_id", job_id)

        return await self._poll(
            path,
            ExtractJob,
            _status,
            JOB_STATES,
            schedule,
            job_id=job_id,
            verbose=verbose,
            first_delay=first_delay,
            extras=extras,
        )

    async def extract(
        self,
        *,
        extraction_agent_id: str,
        file_id: str,
        from_ui: bool | None = None,
        config_override: Mapping[str, Any] | None = None,
        data_schema_override: Mapping[str, Any] | str | None = None,
        priority: str | None = None,
        webhook_configurations: Iterable[Mapping[str, Any]] | None = None,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        verbose: bool = False,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> JobGetResultResponse:
        """Create a job, wait for it and return its result: ``create``,
        ``wait_for_completion`` and ``get_result`` in one call.

        Every argument is checked before the job is created.

        Args:
            extraction_agent_id: The agent to run.
            file_id: The file to extract from.
            from_ui: Whether the request comes from the web UI.
            config_override: Settings overriding the agent's configuration.
            data_schema_override: A schema (or its JSON text) overriding the agent's.
            priority: ``"low"``, ``"medium"``, ``"high"`` or ``"critical"``.
            webhook_configurations: Webhook endpoints to notify on status changes.
            polling_interval: Seconds before the first poll, and between the first two.
            max_interval: The longest sleep between polls.
            timeout: Seconds the wait may take (two hours by default).
            backoff: ``"constant"``, ``"linear"`` or ``"exponential"``.
            verbose: Log a progress line at INFO every 10 polls.
            idempotency_key: The create's key instead of a fresh one.
            extra_headers: Headers for every request of the call.
            extra_query: Query parameters for every request of the call.
            extra_body: Fields merged into the create's JSON body.

        Returns:
            The extracted data and its metadata.

        Raises:
            ValueError: An argument is malformed.
            PollingError: The job ended ERROR or CANCELLED.
            PollingTimeoutError: ``timeout`` passed first.
            APIError: A request failed.
        """
        schedule = PollSchedule.checked(
            polling_interval=polling_interval, max_interval=max_interval, timeout=timeout, backoff=backoff
        )
        job = await self.create(
            extraction_agent_id=extraction_agent_id,
            file_id=file_id,
            from_ui=from_ui,
            config_override=config_override,
            data_schema_override=data_schema_override,
            priority=priority,
            webhook_configurations=webhook_configurations,
            idempotency_key=idempotency_key,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        polls: Extras = (extra_headers, extra_query, None)
        await self._wait(
            job.id, schedule, verbose=verbose, first_delay=schedule.polling_interval, extras=polls
        )
        return await self.get_result(job.id, extra_headers=extra_headers, extra_query=extra_query)

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
        self.create = as_raw(jobs.create)
        self.get = as_raw(jobs.get)
        self.list = as_raw(jobs.list)
        self.get_result = as_raw(jobs.get_result)
        self.get_results = as_raw_bulk(jobs.get_results)


class AsyncRunsResource(AsyncAPIResource):
    """Extraction runs of the v1 API."""

    @cached_property
    def with_raw_response(self) -> AsyncRunsResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncRunsResourceWithRawResponse(AsyncRunsResource(self._client, raw=True))

    def list(
        self,
        *,
        extraction_agent_id: str,
        limit: int | None = None,
        skip: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> AsyncPaginator[ExtractRun, AsyncPaginatedExtractRuns[ExtractRun]]:
        """List an agent's extraction runs: ``GET /api/v1/extraction/runs``.

        Iterating over the result walks every run, fetching each page (``limit`` runs,
        the next at ``skip`` past it) only as the loop reaches it. The async client sends
        nothing until the result is iterated or awaited (for the first page); the sync
        client returns the first page, which iterates over every run. ``iter_pages()``
        walks page by page.

        Args:
            extraction_agent_id: The agent whose runs to list.
            limit: Runs per page.
            skip: Runs to skip before the first page.
            extra_headers: Headers for every page's request (``Authorization`` is refused).
            extra_query: Query parameters for every page, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each page's attempts (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: ``extraction_agent_id`` is empty, ``limit`` is below 1 or ``skip``
                is negative.
        """
        params = {
            "extraction_agent_id": text("extraction_agent_id", extraction_agent_id),
            "limit": positive_int("limit", limit),
            "skip": non_negative_int("skip", skip),
        }
        request = PageRequest(
            self._send,
            "/api/v1/extraction/runs",
            params,
            timeout,
            runs_page,
            extras=(extra_headers, extra_query, extra_body),
        )
        return cast(
            "AsyncPaginator[ExtractRun, AsyncPaginatedExtractRuns[ExtractRun]]", AsyncPaginator(request)
        )

    async def delete(
        self,
        run_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> object:
        """Delete an extraction run: ``DELETE /api/v1/extraction/runs/{run_id}``.

        Args:
            run_id: The run's ID.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields merged into the JSON body (refused where there is none).
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The server's JSON answer as decoded (``None`` for an empty body).

        Raises:
            ValueError: ``run_id`` is empty or not a single path segment.
            NotFoundError: No such run.
            APIError: Any other failure (see the error hierarchy).
        """
        return await self._delete(
            "/api/v1/extraction/runs/"
            + path_segment("run_id", run_id)
            + query_string(organization_id=organization_id, project_id=project_id),
            timeout,
            (extra_headers, extra_query, extra_body),
        )

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
        self.delete = as_raw(runs.delete)
        self.get = as_raw(runs.get)
        self.get_by_job = as_raw(runs.get_by_job)
        self.get_many = as_raw_bulk(runs.get_many)
        self.get_many_by_job = as_raw_bulk(runs.get_many_by_job)
