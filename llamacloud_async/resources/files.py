"""Uploaded files: ``/api/v1/beta/files``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, cast

from .._request import Request
from .._response import parse
from .._transport import Reply
from .._types import NOT_GIVEN, Body, FileTypes, Headers, Query, TimeoutArg
from .._validation import (
    QueryValue,
    choice,
    encode_query,
    id_list,
    optional_text,
    path_segment,
    positive_int,
    text,
)
from ..pagination import AsyncPaginatedCursor, AsyncPaginator, PageRequest
from ..types._base import Model
from ..types._file import FilePurpose
from ..types.file_create_response import FileCreateResponse
from ..types.file_list_response import FileListResponse
from ..types.file_retrieve_response import FileRetrieveResponse
from ..types.presigned_url import PresignedURL
from ._base import AsyncAPIResource, as_raw

PURPOSES = tuple(value for name, value in vars(FilePurpose).items() if name.isupper())
"""The ``purpose`` values ``files.create`` accepts."""

ORDER_BY = ("name", "id", "created_at")
"""The ``order_by`` values ``files.list`` accepts."""

_FILES = "/api/v1/beta/files"


class AsyncFilesResource(AsyncAPIResource):
    """Files uploaded for parsing, extraction and the other products."""

    @cached_property
    def with_raw_response(self) -> AsyncFilesResourceWithRawResponse:
        """The same methods, returning the undecoded ``AsyncAPIResponse``."""
        return AsyncFilesResourceWithRawResponse(AsyncFilesResource(self._client, raw=True))

    async def create(
        self,
        *,
        file: FileTypes,
        purpose: str,
        organization_id: str | None = None,
        project_id: str | None = None,
        external_file_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> FileCreateResponse:
        """Upload a file: ``POST /api/v1/beta/files`` (``multipart/form-data``).

        The file is streamed from its source in small chunks, so its size does not
        matter to memory; a retried attempt sends it again from its start. An upload is
        not idempotent: it is retried only when the failure proves the server did not
        get the whole request (a connection never made, or broken before the body was
        sent to its end), or on a 429.

        Args:
            file: The file: a path (``str`` or ``os.PathLike``), a binary file object
                (read from its current position, left open), bytes, or a
                ``(file name, content[, content type[, headers]])`` tuple.
            purpose: How the file will be used, which sets its storage and retention:
                one of ``FilePurpose`` (``"extract"``, ``"parse"``, ``"user_data"``, …).
            organization_id: The organization to upload to.
            project_id: The project to upload to.
            external_file_id: Your own ID for the file (e.g. its content hash), to find
                it again with ``files.list(external_file_id=...)``.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: More form fields, sent beside ``purpose`` (strings, numbers, bools).
            timeout: Seconds for each attempt, the whole upload included, overriding the
                client's ``timeout``.

        Returns:
            The uploaded file, with the ``id`` extract jobs take.

        Raises:
            FileNotFoundError: A path that does not exist.
            IsADirectoryError: A path that is a directory.
            TypeError: ``file`` is not one of the accepted kinds, or a text-mode file.
            ValueError: The file is empty, or ``purpose`` is unknown.
            APIError: The upload failed (see the error hierarchy).
        """
        from .._upload import Upload, file_source, form_fields  # aiohttp's multipart, only for uploads

        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}; allowed: {', '.join(PURPOSES)}")
        fields = [("purpose", purpose)]
        if external_file_id is not None:
            fields.append(("external_file_id", text("external_file_id", external_file_id)))
        fields.extend(form_fields(extra_body))
        upload = Upload(tuple(fields), "file", file_source(file))
        path = _FILES + encode_query(_scope(organization_id, project_id))
        request = Request("POST", path, timeout, body=upload, idempotent=False)
        reply = await self._send(request.with_extras(extra_headers, extra_query))
        return self._decoded(reply, FileCreateResponse)

    async def retrieve(
        self,
        file_id: str,
        *,
        expand: Sequence[str] | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> FileRetrieveResponse:
        """Get a file's metadata: ``GET /api/v1/beta/files/{file_id}``.

        Args:
            file_id: The file's ID.
            expand: Fields to expand (e.g. ``["download_url"]``).
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is empty or not a single path segment.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        params = {**_scope(organization_id, project_id), "expand": _texts("expand", expand)}
        return await self._get(
            _file_path(file_id) + encode_query(params),
            FileRetrieveResponse,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    async def delete(
        self,
        file_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> None:
        """Delete a file: ``DELETE /api/v1/beta/files/{file_id}``.

        Args:
            file_id: The file's ID.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Fields of a JSON body for this call only.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is empty or not a single path segment.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        path = _file_path(file_id) + encode_query(_scope(organization_id, project_id))
        request = Request("DELETE", path, timeout, headers={"Accept": "*/*"})
        reply = await self._send(request.with_extras(extra_headers, extra_query, extra_body))
        if self._raw:
            return self._decoded(reply, type(None))

    async def content(
        self,
        file_id: str,
        *,
        expires_at_seconds: int | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> PresignedURL:
        """Get a presigned URL to download a file: ``GET /api/v1/beta/files/{file_id}/content``.

        Args:
            file_id: The file's ID.
            expires_at_seconds: How long the URL stays valid, in seconds.
            organization_id: The organization to read from.
            project_id: The project to read from.
            extra_headers: Headers for this call only (``Authorization`` is refused).
            extra_query: Query parameters for this call only, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is malformed, or ``expires_at_seconds`` is not positive.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        params = {
            **_scope(organization_id, project_id),
            "expires_at_seconds": positive_int("expires_at_seconds", expires_at_seconds),
        }
        return await self._get(
            _file_path(file_id) + "/content" + encode_query(params),
            PresignedURL,
            timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )

    def list(
        self,
        *,
        expand: Sequence[str] | None = None,
        external_file_id: str | None = None,
        file_ids: Sequence[str] | None = None,
        file_name: str | None = None,
        order_by: str | None = None,
        organization_id: str | None = None,
        page_size: int | None = None,
        page_token: str | None = None,
        project_id: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
    ) -> AsyncPaginator[FileListResponse, AsyncPaginatedCursor[FileListResponse]]:
        """List files: ``GET /api/v1/beta/files``.

        Nothing is sent until the result is used: ``async for f in client.files.list()``
        walks every file, fetching each page as the loop reaches it (``break`` stops);
        ``await`` it for the first page (``items``, ``next_page_token``), or use
        ``iter_pages()``.

        Args:
            expand: Fields to expand on each file.
            external_file_id: Only files with this external ID.
            file_ids: Only these files.
            file_name: Only files with this exact name.
            order_by: ``"name"`` (ascending), ``"id"`` (ascending) or ``"created_at"``
                (newest first).
            organization_id: The organization to read from.
            page_size: Files per page (the server's default is 50, its maximum 1000).
            page_token: Start at this page (a ``next_page_token``).
            project_id: The project to read from.
            extra_headers: Headers for every page's request (``Authorization`` is refused).
            extra_query: Query parameters for every page, beside the method's own.
            extra_body: Accepted for compatibility; a GET has no body, so it must be empty.
            timeout: Seconds for each page's attempts, overriding the client's ``timeout``.

        Raises:
            ValueError: A filter is malformed: an unknown ``order_by``, an empty
                ``file_ids``, a ``page_size`` below 1.
        """
        params: dict[str, QueryValue] = {
            "expand": _texts("expand", expand),
            "external_file_id": optional_text("external_file_id", external_file_id),
            "file_ids": None if file_ids is None else id_list("file_ids", file_ids),
            "file_name": optional_text("file_name", file_name),
            "order_by": choice("order_by", order_by, ORDER_BY),
            "page_size": positive_int("page_size", page_size),
            "page_token": optional_text("page_token", page_token),
            **_scope(organization_id, project_id),
        }
        extras = (extra_headers, extra_query, extra_body)
        request = PageRequest(self._send, _FILES, params, timeout, _files_page, extras=extras)
        return cast(
            "AsyncPaginator[FileListResponse, AsyncPaginatedCursor[FileListResponse]]",
            AsyncPaginator(request),
        )


class AsyncFilesResourceWithRawResponse:
    """``client.files.with_raw_response``: each method returns an ``AsyncAPIResponse``."""

    def __init__(self, files: AsyncFilesResource) -> None:
        self.create = as_raw(files.create)
        self.retrieve = as_raw(files.retrieve)
        self.delete = as_raw(files.delete)
        self.content = as_raw(files.content)


def _file_path(file_id: str) -> str:
    return f"{_FILES}/{path_segment('file_id', file_id)}"


def _scope(organization_id: str | None, project_id: str | None) -> dict[str, QueryValue]:
    return {
        "organization_id": optional_text("organization_id", organization_id),
        "project_id": optional_text("project_id", project_id),
    }


def _texts(name: str, values: Sequence[str] | None) -> list[str] | None:
    """``values`` (one string or several), each checked non-empty; ``None`` when absent."""
    if values is None:
        return None
    listed = [values] if isinstance(values, str) else list(values)
    return [text(name, value) for value in listed]


class _FilesPage(Model):
    """The body of ``GET /api/v1/beta/files``: one page of files."""

    items: list[FileListResponse]
    next_page_token: str | None = None
    total_size: int | None = None


def _files_page(
    request: PageRequest[AsyncPaginatedCursor[Any]], reply: Reply, params: dict[str, QueryValue]
) -> AsyncPaginatedCursor[Any]:
    body = parse(reply, _FilesPage)
    return AsyncPaginatedCursor(request, body.items, params, body.next_page_token, body.total_size)
