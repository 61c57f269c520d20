"""Uploaded files: ``/api/v1/beta/files``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import quote

from .._request import Request
from .._response import parse
from .._types import NOT_GIVEN, FileTypes, Timeout
from .._validation import path_segment, query_string
from ..types._file import FilePurpose
from ..types.file_create_response import FileCreateResponse
from ..types.file_retrieve_response import FileRetrieveResponse
from ..types.presigned_url import PresignedURL
from ._base import AsyncAPIResource

T = TypeVar("T")

PURPOSES = tuple(value for name, value in vars(FilePurpose).items() if name.isupper())
"""The ``purpose`` values ``files.create`` accepts."""

ORDER_BY = ("name", "id", "created_at")
"""The ``order_by`` values ``files.list`` accepts."""

_FILES = "/api/v1/beta/files"


class AsyncFilesResource(AsyncAPIResource):
    """Files uploaded for parsing, extraction and the other products."""

    async def create(
        self,
        *,
        file: FileTypes,
        purpose: str,
        organization_id: str | None = None,
        project_id: str | None = None,
        external_file_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
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
        from .._upload import Upload, file_source  # aiohttp's multipart, only for uploads

        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}; allowed: {', '.join(PURPOSES)}")
        fields = [("purpose", purpose)]
        if external_file_id is not None:
            fields.append(("external_file_id", _checked("external_file_id", external_file_id)))
        upload = Upload(tuple(fields), "file", file_source(file))
        path = _FILES + query_string(organization_id=organization_id, project_id=project_id)
        reply = await self._send(Request("POST", path, timeout, body=upload, idempotent=False))
        return parse(reply, FileCreateResponse)

    async def retrieve(
        self,
        file_id: str,
        *,
        expand: Sequence[str] | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> FileRetrieveResponse:
        """Get a file's metadata: ``GET /api/v1/beta/files/{file_id}``.

        Args:
            file_id: The file's ID.
            expand: Fields to expand (e.g. ``["download_url"]``).
            organization_id: The organization to read from.
            project_id: The project to read from.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is empty or not a single path segment.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        path = _file_path(file_id) + files_query(organization_id, project_id, expand=expand)
        return await self._get(path, FileRetrieveResponse, timeout)

    async def delete(
        self,
        file_id: str,
        *,
        organization_id: str | None = None,
        project_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Delete a file: ``DELETE /api/v1/beta/files/{file_id}``.

        Args:
            file_id: The file's ID.
            organization_id: The organization it belongs to.
            project_id: The project it belongs to.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is empty or not a single path segment.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        path = _file_path(file_id) + files_query(organization_id, project_id)
        await self._send(Request("DELETE", path, timeout, headers={"Accept": "*/*"}))

    async def content(
        self,
        file_id: str,
        *,
        expires_at_seconds: int | None = None,
        organization_id: str | None = None,
        project_id: str | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> PresignedURL:
        """Get a presigned URL to download a file: ``GET /api/v1/beta/files/{file_id}/content``.

        Args:
            file_id: The file's ID.
            expires_at_seconds: How long the URL stays valid, in seconds.
            organization_id: The organization to read from.
            project_id: The project to read from.
            timeout: Seconds for each attempt, overriding the client's ``timeout``.

        Raises:
            ValueError: ``file_id`` is malformed, or ``expires_at_seconds`` is not positive.
            NotFoundError: No such file.
            APIError: Any other failure (see the error hierarchy).
        """
        extra: list[tuple[str, str]] = []
        if expires_at_seconds is not None:
            if type(expires_at_seconds) is not int or expires_at_seconds <= 0:
                raise ValueError(f"expires_at_seconds must be a positive int, got {expires_at_seconds!r}")
            extra.append(("expires_at_seconds", str(expires_at_seconds)))
        path = _file_path(file_id) + "/content" + files_query(organization_id, project_id, extra=extra)
        return await self._get(path, PresignedURL, timeout)


def _file_path(file_id: str) -> str:
    return f"{_FILES}/{path_segment('file_id', file_id)}"


def files_query(
    organization_id: str | None,
    project_id: str | None,
    *,
    expand: Sequence[str] | None = None,
    extra: Sequence[tuple[str, str]] = (),
) -> str:
    """The query string of a files call: scope, ``expand`` and already checked ``extra``."""
    scope = query_string(organization_id=organization_id, project_id=project_id)
    pairs = [scope[1:]] if scope else []
    if expand is not None:
        values = [expand] if isinstance(expand, str) else list(expand)
        pairs += [f"expand={quote(_checked('expand', v), safe='')}" for v in values]
    pairs += [f"{name}={quote(value, safe='')}" for name, value in extra]
    return "?" + "&".join(pairs) if pairs else ""


def _checked(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value
