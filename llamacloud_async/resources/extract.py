"""The v2 extract API: ``/api/v2/extract``."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, cast

from .._idempotency import create_once, create_request, key_for, server_time
from .._polling import DEFAULT_POLLING_TIMEOUT, BackoffStrategy, JobStates, PollSchedule
from .._request import NO_EXTRAS, Extras, Request, checked_extras
from .._response import parse
from .._run_many import RunMany
from .._transport import Reply
from .._types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from .._validation import (
    QueryValue,
    choice,
    encode_query,
    expand_values,
    id_list,
    json_body,
    mapping,
    mappings,
    optional_bool,
    optional_text,
    path_segment,
    positive_int,
    query_string,
    text,
    timestamp,
)
from .._watch import DEFAULT_BATCH_SIZE, AsyncJobWatcher
from ..bulk import BulkFetch, BulkOptions
from ..pagination import AsyncPaginatedCursor, AsyncPaginator, PageRequest, cursor_page
from ..pipeline import DEFAULT_MAX_PENDING, DEFAULT_RUN_CONCURRENCY, Document, DocumentEvent
from ..types.extract_v2_job import ExtractJobStatus, ExtractV2Job
from ..types.extract_v2_job_query_response import ExtractV2JobQueryResponse
from ._base import AsyncAPIResource, as_raw, as_raw_bulk

if TYPE_CHECKING:
    from typing_extensions import Unpack

LIST_STATUSES: Final = ("CANCELLED", "COMPLETED", "FAILED", "PENDING", "RUNNING", "THROTTLED")
"""The values ``client.extract.list(status=...)`` accepts."""

MAX_PAGE_SIZE: Final = 100
"""The largest ``page_size`` ``wait_many`` asks for; a bigger batch is read over pages."""

RECONCILE_MARGIN: Final = timedelta(seconds=5)
"""How much earlier than the call began, in the server's time, a job may be stamped and
still count as the call's own when ``create`` looks for it after an ambiguous failure:
room for the ``Date`` header's whole seconds and the requests' transit."""

RECONCILE_PAGE_SIZE: Final = 50
"""The newest jobs for the input that the lookup reads: one page."""

JOB_STATES: Final = JobStates(
    succeeded=frozenset({ExtractJobStatus.COMPLETED}),
    failed=frozenset({ExtractJobStatus.FAILED, ExtractJobStatus.CANCELLED}),
    error_text=lambda job: getattr(job, "error_message", None),
)


def _status(job: ExtractV2Job) -> str:
    return job.status


def _job_id(job: ExtractV2Job) -> str:
    return job.id


class AsyncExtractResource(AsyncAPIResource):
    """Extraction jobs of the v2 API."""

    @cached_property
    def with_raw_response(self) -> AsyncExtractResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncExtractResourceWithRawResponse(AsyncExtractResource(self._client, raw=True))

    async def create(
        self,
        *,
        file_input: str,
        organization_id: str | None = None,
        project_id: str | None = None,
        configuration: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
        webhook_configuration_ids: Sequence[str] | None = None,
        webhook_configurations: Iterable[Mapping[str, Any]] | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractV2Job:
        """Create an extraction job: ``POST /api/v2/extract``.

        Give exactly one of ``configuration_id`` (a saved configuration) or
        ``configuration`` (inline, with a ``data_schema``). The job runs in the
        background: wait for it with ``wait_for_completion``, or use ``run``.

        The request carries an ``Idempotency-Key`` (``idempotency_key``, or a fresh one),
        the same on every attempt. It is resent blindly only when the failure proves the
        server never processed it (refused before sending, a 429). After an ambiguous
        failure (a timeout or reset after sending, a 5xx) the newest jobs with the same
        input are listed first, and the oldest one made since the call began (on the
        server's clock) is returned if there is one; only if there is none is the job
        created again.

        Args:
            file_input: File ID (``dfl-...``) or completed parse job ID (``pjb-...``).
            organization_id: The organization to create it in.
            project_id: The project to create it in.
            configuration: Inline configuration: ``data_schema`` and extract settings.
            configuration_id: A saved configuration's ID.
            webhook_configuration_ids: Saved webhook configurations to notify.
            webhook_configurations: Webhook endpoints to notify on status changes.
            idempotency_key: The key to send instead of a fresh one, e.g. to make a
                create that is itself retried by your code at most one job.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields merged into the JSON body (refused where there is none).
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The new job, usually ``PENDING``.

        Raises:
            ValueError: An argument is malformed, or both or neither of ``configuration``
                and ``configuration_id`` are given.
            APIError: The create failed (see the error hierarchy).
        """
        query = query_string(organization_id=organization_id, project_id=project_id)
        body = _create_body(
            file_input=file_input,
            configuration=configuration,
            configuration_id=configuration_id,
            webhook_configuration_ids=webhook_configuration_ids,
            webhook_configurations=webhook_configurations,
        )
        request = create_request("/api/v2/extract" + query, body, key_for(idempotency_key), timeout)
        request = request.with_extras(extra_headers, extra_query, extra_body)
        started = time.monotonic()

        async def reconcile(error: Exception) -> ExtractV2Job | None:
            return await self._find_created(
                file_input=file_input,
                configuration=configuration,
                configuration_id=configuration_id,
                started=started,
                organization_id=organization_id,
                project_id=project_id,
                timeout=timeout,
                extra_headers=extra_headers,
            )

        outcome = await create_once(self._requests, request, reconcile)
        if isinstance(outcome, Reply):
            return self._decoded(outcome, ExtractV2Job)
        if self._raw:  # the reply of the create is lost: the found job's own, then
            return await self.get(
                outcome.id,
                organization_id=organization_id,
                project_id=project_id,
                extra_headers=extra_headers,
                timeout=timeout,
            )
        return outcome

    async def _find_created(
        self,
        *,
        file_input: str,
        configuration: Mapping[str, Any] | None,
        configuration_id: str | None,
        started: float,
        organization_id: str | None,
        project_id: str | None,
        timeout: TimeoutArg,
        extra_headers: Headers | None,
    ) -> ExtractV2Job | None:
        """The oldest job with this input made since the call began (``time.monotonic()``
        was ``started``), if any.

        It reads the newest page of jobs for the input and measures "since the call
        began" on the server's clock, from the reply's ``Date`` header, so a server
        clock set differently from this machine's does not hide the job (this machine's
        clock stands in when the header is missing or malformed).
        """
        params: dict[str, QueryValue] = {
            "configuration_id": configuration_id,
            "expand": ["configuration"] if configuration is not None else None,
            "file_input": file_input,
            "organization_id": organization_id,
            "page_size": RECONCILE_PAGE_SIZE,
            "project_id": project_id,
        }
        lookup = Request("GET", "/api/v2/extract" + encode_query(params), timeout)
        reply = await self._send(lookup.with_extras(extra_headers, None))
        page = parse(reply, ExtractV2JobQueryResponse)
        now = server_time(reply.headers) or datetime.now(timezone.utc)
        since = now - timedelta(seconds=time.monotonic() - started) - RECONCILE_MARGIN
        candidates: list[ExtractV2Job] = []
        for job in page.items:
            if file_input not in (job.file_input, job.value) or job.created_at < since:
                continue
            if configuration_id is not None and job.configuration_id not in (None, configuration_id):
                continue
            if (
                configuration is not None
                and job.configuration is not None
                and job.configuration.data_schema != configuration.get("data_schema")
            ):
                continue
            candidates.append(job)
        return min(candidates, key=lambda job: job.created_at, default=None)

    def list(
        self,
        *,
        configuration_id: str | None = None,
        created_at_on_or_after: str | datetime | None = None,
        created_at_on_or_before: str | datetime | None = None,
        document_input_type: str | None = None,
        document_input_value: str | None = None,
        expand: str | Sequence[str] | None = None,
        file_input: str | None = None,
        job_ids: Sequence[str] | None = None,
        organization_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        project_id: str | None = None,
        status: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> AsyncPaginator[ExtractV2Job, AsyncPaginatedCursor[ExtractV2Job]]:
        """List extraction jobs, newest first: ``GET /api/v2/extract``.

        Iterating over the result walks every job, fetching each page only as the loop
        reaches it, so ``break`` stops fetching. The async client sends nothing until the
        result is iterated or awaited (for the first page: ``items``,
        ``next_page_token``); the sync client returns the first page, which iterates over
        every job. ``iter_pages()`` walks page by page.

        Args:
            configuration_id: Only jobs of this saved configuration.
            created_at_on_or_after: Only jobs created at or after this time (a
                ``datetime``, naive meaning UTC, or an ISO 8601 string).
            created_at_on_or_before: Only jobs created at or before this time.
            document_input_type: Only jobs of this input type (``file_id`` or
                ``parse_job_id``).
            document_input_value: Deprecated by the server: use ``file_input``.
            expand: Extra sections to include: ``"configuration"``,
                ``"extract_metadata"``, ``"usage"`` (one value or a list).
            file_input: Only jobs of this file or parse job.
            job_ids: Only these jobs.
            organization_id: The organization to read from.
            page_size: Jobs per page.
            page_token: Start at this page (a ``next_page_token``).
            project_id: The project to read from.
            status: Only jobs in this status: ``CANCELLED``, ``COMPLETED``, ``FAILED``,
                ``PENDING``, ``RUNNING`` or ``THROTTLED``.
            extra_headers: Headers for every page's request (``Authorization`` is refused).
            extra_query: Query parameters for every page, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each page's attempts (or a ``Timeout``), overriding the client's.

        Raises:
            ValueError: A filter is malformed: an unknown ``status`` or ``expand``, an
                empty ``job_ids``, a ``page_size`` below 1, a timestamp that is not ISO 8601.
        """
        params: dict[str, QueryValue] = {
            "configuration_id": optional_text("configuration_id", configuration_id),
            "created_at_on_or_after": timestamp("created_at_on_or_after", created_at_on_or_after),
            "created_at_on_or_before": timestamp("created_at_on_or_before", created_at_on_or_before),
            "document_input_type": optional_text("document_input_type", document_input_type),
            "document_input_value": optional_text("document_input_value", document_input_value),
            "expand": expand_values(expand) or None,
            "file_input": optional_text("file_input", file_input),
            "job_ids": None if job_ids is None else id_list("job_ids", job_ids),
            "organization_id": optional_text("organization_id", organization_id),
            "page_size": positive_int("page_size", page_size),
            "page_token": optional_text("page_token", page_token),
            "project_id": optional_text("project_id", project_id),
            "status": choice("status", status, LIST_STATUSES),
        }
        request = PageRequest(
            self._send,
            "/api/v2/extract",
            params,
            timeout,
            cursor_page,
            extras=(extra_headers, extra_query, extra_body),
        )
        return cast(
            "AsyncPaginator[ExtractV2Job, AsyncPaginatedCursor[ExtractV2Job]]", AsyncPaginator(request)
        )

    async def cancel(
        self,
        job_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractV2Job:
        """Cancel a job that has not finished: ``POST /api/v2/extract/{job_id}/cancel``.

        Cancelling is harmless to repeat, so it is retried like a read. A job already
        in a terminal state (COMPLETED, FAILED, CANCELLED) cannot be cancelled.

        Args:
            job_id: The job's ID.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields merged into the JSON body (refused where there is none).
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The job, marked ``CANCELLED``.

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment.
            NotFoundError: No such job.
            APIError: Any other failure, such as a job already finished.
        """
        return await self._post(
            f"/api/v2/extract/{path_segment('job_id', job_id)}/cancel"
            + query_string(organization_id=organization_id, project_id=project_id),
            ExtractV2Job,
            timeout,
            (extra_headers, extra_query, extra_body),
        )

    async def delete(
        self,
        job_id: str,
        *,
        force: bool | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> object:
        """Delete a job and its results: ``DELETE /api/v2/extract/{job_id}``.

        A job that has not finished is refused: cancel it first, or pass ``force=True``
        to delete a job whose workflow is gone.

        Args:
            job_id: The job's ID.
            force: Delete it even if it has not finished.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields merged into the JSON body (refused where there is none).
            timeout: Seconds for each attempt (or a ``Timeout``), overriding the client's.

        Returns:
            The server's JSON answer as decoded (``None`` for an empty body).

        Raises:
            ValueError: ``job_id`` is empty or not a single path segment.
            NotFoundError: No such job.
            APIError: Any other failure, such as a job still running.
        """
        return await self._delete(
            "/api/v2/extract/"
            + path_segment("job_id", job_id)
            + encode_query(
                {
                    "force": optional_bool("force", force),
                    "organization_id": optional_text("organization_id", organization_id),
                    "project_id": optional_text("project_id", project_id),
                }
            ),
            timeout,
            (extra_headers, extra_query, extra_body),
        )

    async def wait_for_completion(
        self,
        job_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        verbose: bool = False,
        expand: str | Sequence[str] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> ExtractV2Job:
        """Poll a job until it finishes; the COMPLETED job.

        Polls at once, then after ``polling_interval`` seconds, growing by ``backoff``
        up to ``max_interval`` (each sleep jittered by up to 20%), until ``timeout``
        seconds have passed in all. A status the client does not know counts as still
        running; a poll that fails transiently is followed by the next one. The sync
        client behaves exactly the same.

        Args:
            job_id: The job's ID.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            polling_interval: Seconds before the second poll.
            max_interval: The longest sleep between polls.
            timeout: Seconds the whole wait may take (two hours by default).
            backoff: How the sleep grows: ``"constant"``, ``"linear"`` (one second more
                each time) or ``"exponential"`` (doubling).
            verbose: Log a progress line at INFO every 10 polls.
            expand: Sections to include in the job: ``"configuration"``,
                ``"extract_metadata"``, ``"usage"``.
            extra_headers: Headers for every poll (``Authorization`` is refused).
            extra_query: Query parameters for every poll, beside the method's own.
            extra_body: Accepted for compatibility; a poll is a GET, so it must be empty.

        Returns:
            The job, COMPLETED, with ``extract_result``.

        Raises:
            ValueError: An argument is malformed or out of range (a negative
                ``timeout``, ``max_interval`` below ``polling_interval``).
            PollingError: The job ended FAILED or CANCELLED; ``e.job`` is the job.
            PollingTimeoutError: ``timeout`` passed first; ``e.job`` is the last job read.
            APIError: A poll failed in a way another would not mend (a 401, a 404).
        """
        return await self._wait(
            job_id,
            organization_id=organization_id,
            project_id=project_id,
            schedule=PollSchedule.checked(
                polling_interval=polling_interval, max_interval=max_interval, timeout=timeout, backoff=backoff
            ),
            verbose=verbose,
            expand=expand,
            extras=checked_extras((extra_headers, extra_query, extra_body)),
        )

    async def _wait(
        self,
        job_id: str,
        *,
        organization_id: str | None,
        project_id: str | None,
        schedule: PollSchedule,
        verbose: bool,
        expand: str | Sequence[str] | None,
        first_delay: float = 0.0,
        extras: Extras = NO_EXTRAS,
    ) -> ExtractV2Job:
        path = (
            "/api/v2/extract/"
            + path_segment("job_id", job_id)
            + query_string(expand=expand, organization_id=organization_id, project_id=project_id)
        )

        return await self._poll(
            path,
            ExtractV2Job,
            _status,
            JOB_STATES,
            schedule,
            job_id=job_id,
            verbose=verbose,
            first_delay=first_delay,
            extras=extras,
        )

    async def run(
        self,
        *,
        file_input: str,
        organization_id: str | None = None,
        project_id: str | None = None,
        configuration: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
        webhook_configuration_ids: Sequence[str] | None = None,
        webhook_configurations: Iterable[Mapping[str, Any]] | None = None,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        polling_timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        verbose: bool = False,
        expand: str | Sequence[str] | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> ExtractV2Job:
        """Create an extraction job and wait for it: ``create`` then ``wait_for_completion``.

        Every argument is checked before the job is created, so a bad polling argument
        never leaves a job behind.

        Args:
            file_input: File ID or parse job ID to extract from.
            organization_id: The organization to create it in.
            project_id: The project to create it in.
            configuration: Inline configuration: ``data_schema`` and extract settings.
            configuration_id: A saved configuration's ID (instead of ``configuration``).
            webhook_configuration_ids: Saved webhook configurations to notify.
            webhook_configurations: Webhook endpoints to notify on status changes.
            polling_interval: Seconds before the first poll, and between the first two.
            max_interval: The longest sleep between polls.
            polling_timeout: Seconds the wait may take (two hours by default).
            backoff: ``"constant"``, ``"linear"`` or ``"exponential"``.
            verbose: Log a progress line at INFO every 10 polls.
            expand: Sections to include in the returned job.
            idempotency_key: The create's key instead of a fresh one.
            extra_headers: Headers for the create and every poll.
            extra_query: Query parameters for the create and every poll.
            extra_body: Fields merged into the create's JSON body.
            timeout: Seconds for each attempt of the create.

        Returns:
            The job, COMPLETED, with ``extract_result``.

        Raises:
            ValueError: An argument is malformed.
            PollingError: The job ended FAILED or CANCELLED; ``e.job`` is the job.
            PollingTimeoutError: ``polling_timeout`` passed first.
            APIError: The create or a poll failed.
        """
        schedule = PollSchedule.checked(
            polling_interval=polling_interval,
            max_interval=max_interval,
            timeout=polling_timeout,
            backoff=backoff,
        )
        expand_values(expand)
        job = await self.create(
            file_input=file_input,
            organization_id=organization_id,
            project_id=project_id,
            configuration=configuration,
            configuration_id=configuration_id,
            webhook_configuration_ids=webhook_configuration_ids,
            webhook_configurations=webhook_configurations,
            idempotency_key=idempotency_key,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        return await self._wait(
            job.id,
            organization_id=organization_id,
            project_id=project_id,
            schedule=schedule,
            verbose=verbose,
            expand=expand,
            first_delay=schedule.polling_interval,
            extras=(extra_headers, extra_query, None),
        )

    def wait_many(
        self,
        job_ids: Iterable[str],
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        expand: str | Sequence[str] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> AsyncJobWatcher[ExtractV2Job]:
        """Wait for many jobs, yielding each once as it finishes.

        Returns an async iterator of the jobs: each is yielded when it reaches a terminal
        state, COMPLETED, FAILED or CANCELLED alike (check ``job.status``); leaving the
        loop early stops polling.
        Each round polls ``batch_size`` jobs per request through
        ``list(job_ids=[...])`` rather than one ``get`` per job, on the same schedule
        as ``wait_for_completion``; jobs a batch does not return, or every job when the
        server refuses the filter, are read with bulk ``get`` calls. The requests share
        the client's rate limiter and retries.

        Args:
            job_ids: The jobs to wait for (duplicates are waited for once).
            organization_id: The organization they belong to.
            project_id: The project they belong to.
            polling_interval: Seconds between the first two rounds.
            max_interval: The longest sleep between rounds.
            timeout: Seconds the whole wait may take (two hours by default).
            backoff: ``"constant"``, ``"linear"`` or ``"exponential"``.
            expand: Sections to include in every job.
            batch_size: Jobs per list request.

        Raises:
            ValueError: An argument is malformed (before any request): an empty or
                malformed ID, an unknown ``expand``, a negative ``timeout``.
            PollingTimeoutError: From the iteration, when ``timeout`` passes;
                ``e.pending`` lists the jobs still unfinished.
            APIError: From the iteration, a failure another round would not mend.
        """
        ids = id_list("job_ids", job_ids)
        schedule = PollSchedule.checked(
            polling_interval=polling_interval, max_interval=max_interval, timeout=timeout, backoff=backoff
        )
        sections = expand_values(expand) or None
        query_string(organization_id=organization_id, project_id=project_id)
        size = positive_int("batch_size", batch_size)
        assert size is not None

        async def list_batch(batch: list[str]) -> list[ExtractV2Job]:
            pages = self.list(
                job_ids=batch,
                page_size=min(len(batch), MAX_PAGE_SIZE),
                expand=sections,
                organization_id=organization_id,
                project_id=project_id,
            )
            return [job async for job in pages]

        async def get_each(batch: list[str]) -> AsyncIterator[tuple[str, ExtractV2Job | Exception]]:
            bulk = self.get_many(
                batch, expand=sections, organization_id=organization_id, project_id=project_id, progress=False
            )
            async with bulk:
                async for result in bulk:
                    yield result.id, result.error if result.error is not None else result.unwrap()

        return AsyncJobWatcher(
            ids,
            list_batch=list_batch,
            get_each=get_each,
            id_of=_job_id,
            status_of=_status,
            states=JOB_STATES,
            schedule=schedule,
            is_transient=self._is_transient,
            batch_size=size,
        )

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

    def run_many(
        self,
        files: Iterable[str | os.PathLike[str] | Document] | AsyncIterable[str | os.PathLike[str] | Document],
        *,
        configuration: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        concurrency: int = DEFAULT_RUN_CONCURRENCY,
        max_pending: int = DEFAULT_MAX_PENDING,
        polling_interval: float = 1.0,
        max_interval: float = 5.0,
        polling_timeout: float = DEFAULT_POLLING_TIMEOUT,
        backoff: BackoffStrategy = "linear",
        batch_size: int = DEFAULT_BATCH_SIZE,
        reuse_uploads: bool = False,
        on_event: Callable[[DocumentEvent], None] | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> RunMany:
        """Extract from many documents: upload each, create its job, wait for them all.

        Returns an async iterator of ``DocumentResult``, one per document, as each job
        finishes (``result.ok``, ``result.job.extract_result``, or ``result.error``).
        Each document is hashed, uploaded with ``purpose="extract"`` and its SHA-256 as
        ``external_file_id`` (identical documents close together are uploaded once), and
        its job created with an ``Idempotency-Key`` derived from its file and the
        configuration, so creating it again is answered with the same job. Jobs are
        waited for together with ``wait_many`` (one list request per ``batch_size`` jobs
        per round). Every request shares the client's retries and rate limiter.

        Args:
            files: The documents: paths, or ``Document`` values that carry the file or
                job an earlier run made for them (see ``on_event``).
            configuration: Inline configuration: ``data_schema`` and extract settings.
            configuration_id: A saved configuration's ID (instead of ``configuration``).
            organization_id: The organization to work in.
            project_id: The project to work in.
            concurrency: Uploads and job creations in flight at once.
            max_pending: Documents started and not yet handed back: what bounds memory,
                and how many jobs wait on the server at once.
            polling_interval: Seconds between the first two polls of a batch of jobs.
            max_interval: The longest sleep between polls.
            polling_timeout: Seconds a batch of jobs may take to finish.
            backoff: How the sleep between polls grows: ``"constant"``, ``"linear"`` or
                ``"exponential"``.
            batch_size: Jobs per list request when polling.
            reuse_uploads: Before uploading, look for a file uploaded earlier with the
                document's hash as ``external_file_id`` (one list request per document):
                for resuming a run whose record of its uploads was lost.
            on_event: Called with a ``DocumentEvent`` when a document is hashed, uploaded
                and its job created, to record progress durably.
            timeout: Seconds for each attempt of each request (uploads included).

        Raises:
            ValueError: An argument is malformed, or both or neither of ``configuration``
                and ``configuration_id`` are given (before anything is sent).
        """
        _create_body(
            file_input="checked-before-any-request",
            configuration=configuration,
            configuration_id=configuration_id,
            webhook_configuration_ids=None,
            webhook_configurations=None,
        )
        PollSchedule.checked(
            polling_interval=polling_interval,
            max_interval=max_interval,
            timeout=polling_timeout,
            backoff=backoff,
        )
        scope = {
            "organization_id": optional_text("organization_id", organization_id),
            "project_id": optional_text("project_id", project_id),
        }
        create: dict[str, Any] = {}
        if configuration is not None:
            create["configuration"] = dict(configuration)
        else:
            create["configuration_id"] = configuration_id
        wait = {
            "polling_interval": polling_interval,
            "max_interval": max_interval,
            "timeout": polling_timeout,
            "backoff": backoff,
            "batch_size": positive_int("batch_size", batch_size),
        }
        return RunMany(
            self,
            self._client.files,
            files,
            create=create,
            wait=wait,
            scope=scope,
            concurrency=_at_least_one("concurrency", concurrency),
            max_pending=_at_least_one("max_pending", max_pending),
            batch_size=_at_least_one("batch_size", batch_size),
            reuse_uploads=reuse_uploads,
            on_event=on_event,
            timeout=timeout,
            policy=self._client._options.policy,  # pyright: ignore[reportPrivateUsage]
        )


class AsyncExtractResourceWithRawResponse:
    """``client.extract.with_raw_response``: each method returns an ``AsyncAPIResponse``."""

    def __init__(self, extract: AsyncExtractResource) -> None:
        self.create = as_raw(extract.create)
        self.cancel = as_raw(extract.cancel)
        self.delete = as_raw(extract.delete)
        self.get = as_raw(extract.get)
        self.get_many = as_raw_bulk(extract.get_many)


def _at_least_one(name: str, value: int) -> int:
    checked = positive_int(name, value)
    assert checked is not None
    return checked


def _create_body(
    *,
    file_input: str,
    configuration: Mapping[str, Any] | None,
    configuration_id: str | None,
    webhook_configuration_ids: Sequence[str] | None,
    webhook_configurations: Iterable[Mapping[str, Any]] | None,
) -> bytes:
    """The JSON body of a create, checked: ``ValueError`` names what is wrong."""
    if (configuration is None) == (configuration_id is None):
        raise ValueError("give exactly one of configuration (inline, with a data_schema) or configuration_id")
    body: dict[str, Any] = {"file_input": text("file_input", file_input)}
    if configuration is not None:
        body["configuration"] = mapping("configuration", configuration)
        if "data_schema" not in body["configuration"]:
            raise ValueError("configuration needs a data_schema")
    if configuration_id is not None:
        body["configuration_id"] = optional_text("configuration_id", configuration_id)
    if webhook_configuration_ids is not None:
        body["webhook_configuration_ids"] = id_list("webhook_configuration_ids", webhook_configuration_ids)
    if webhook_configurations is not None:
        body["webhook_configurations"] = mappings("webhook_configurations", webhook_configurations)
    return json_body(body)
