"""Multipart uploads that stream from their source and start over on every attempt.

An `Upload` is the body of a ``Request`` that sends a file: the form fields and
where the file's bytes come from (a path, a binary file object, or bytes). It holds no
open file. For each attempt the transport calls :meth:`Upload.payload`, which opens the
path again (or seeks the file object back to where it was), so a retried upload sends
the whole file from its start, read in 64 KiB chunks by aiohttp: memory stays flat
whatever the file's size.

The payload records whether it was written to the end. A connection that fails before
that proves the server never had the whole request, so it cannot have processed it:
the transport then raises with a `BodyNotSent` cause, which the retry policy
treats like a connection never made.
"""

from __future__ import annotations

import io
import mimetypes
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import aiohttp

from ._types import FileTypes

if TYPE_CHECKING:
    from aiohttp.abc import AbstractStreamWriter

__all__ = ["BodyNotSent", "FileSource", "StreamedForm", "Upload", "file_source"]

DEFAULT_FILE_NAME = "upload"
"""The file name sent for bytes or a file object without a name of its own."""


class BodyNotSent(OSError):
    """The connection failed before the request's body was written to its end."""


@dataclass(frozen=True)
class FileSource:
    """Where one file's bytes come from, checked and measured, without holding it open."""

    name: str
    content_type: str
    size: int
    path: Path | None = None
    stream: IO[bytes] | None = None
    start: int = 0
    """Where ``stream`` is read from on every attempt."""
    data: bytes | None = None
    headers: Mapping[str, str] | None = None

    def part(self) -> aiohttp.Payload:
        """A fresh payload of the file's bytes, positioned at their start."""
        if self.data is not None:
            return aiohttp.BytesPayload(self.data, content_type=self.content_type)
        if self.path is not None:
            return aiohttp.BufferedReaderPayload(self.path.open("rb"), content_type=self.content_type)
        assert self.stream is not None
        self.stream.seek(self.start)
        kept_open = cast(IO[bytes], _KeptOpen(self.stream))
        return _Sized(kept_open, self.size, content_type=self.content_type)


@dataclass(frozen=True)
class Upload:
    """A ``multipart/form-data`` body: text fields and one file, rebuilt per attempt."""

    fields: tuple[tuple[str, str], ...]
    file_field: str
    file: FileSource

    def payload(self) -> StreamedForm:
        """The body for one attempt: the fields, then the file read from its start."""
        form = StreamedForm("form-data")
        for name, value in self.fields:
            part = form.append(value)
            part.set_content_disposition("form-data", name=name)
        part = form.append_payload(self.file.part())
        part.set_content_disposition("form-data", name=self.file_field, filename=self.file.name)
        for header, value in (self.file.headers or {}).items():
            part.headers[header] = value
        return form

    def __repr__(self) -> str:
        return f"<Upload {self.file.name!r} ({self.file.size} bytes)>"


class StreamedForm(aiohttp.MultipartWriter):
    """A multipart body that knows whether it was written to its end."""

    complete = False

    async def write(self, writer: AbstractStreamWriter, close_boundary: bool = True) -> None:
        """Write every part, then mark the body complete."""
        await super().write(writer, close_boundary)
        self.complete = True


class _Sized(aiohttp.payload.IOBasePayload):
    """A file object's payload of the size measured when the upload was built, so the
    request has a ``Content-Length`` even for objects without a file descriptor."""

    def __init__(self, value: IO[bytes], size: int, **kwargs: Any) -> None:
        super().__init__(value, **kwargs)
        self._known_size = size

    @property
    def size(self) -> int:
        """The bytes it sends."""
        return self._known_size


class _KeptOpen(io.RawIOBase):
    """A caller's file object as aiohttp reads it, left open when the upload ends."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._stream = stream
        self.name = getattr(stream, "name", DEFAULT_FILE_NAME)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def fileno(self) -> int:
        return self._stream.fileno()

    def close(self) -> None:
        """Leave the caller's file open: it may be read again by a retry, or by them."""


def file_source(file: FileTypes, *, allow_empty: bool = False) -> FileSource:
    """Check ``file`` (any of ``FileTypes``) and measure it, without reading it whole.

    Raises:
        FileNotFoundError: A path that does not exist.
        IsADirectoryError: A path that is a directory.
        TypeError: Something that is not a file's content, or a text-mode file object.
        ValueError: An empty file (unless ``allow_empty``), or a malformed tuple.
    """
    name: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] | None = None
    content: object = file
    if isinstance(file, tuple):
        if not 2 <= len(file) <= 4:
            raise ValueError(
                f"file as a tuple is (name, content[, content type[, headers]]), got {len(file)} items"
            )
        name, content = file[0], file[1]
        content_type = file[2] if len(file) > 2 else None  # type: ignore[misc]
        headers = file[3] if len(file) > 3 else None  # type: ignore[misc]
        if name is not None and not isinstance(cast(object, name), str):
            raise TypeError(f"the file name must be a str or None, not {type(name).__name__}")
    source = _content_source(content, name)
    if source.size == 0 and not allow_empty:
        raise ValueError(f"file {source.name!r} is empty; the API has nothing to read in an empty file")
    guessed = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    return FileSource(
        name=source.name,
        content_type=content_type or guessed,
        size=source.size,
        path=source.path,
        stream=source.stream,
        start=source.start,
        data=source.data,
        headers=headers,
    )


def _content_source(content: object, name: str | None) -> FileSource:
    if isinstance(content, (bytes, bytearray)):
        data = bytes(content)
        return FileSource(name or DEFAULT_FILE_NAME, "", len(data), data=data)
    if isinstance(content, (str, os.PathLike)):
        path = Path(content)  # pyright: ignore[reportUnknownArgumentType]
        if not path.exists():
            raise FileNotFoundError(f"no such file: {str(path)!r}")
        if path.is_dir():
            raise IsADirectoryError(f"{str(path)!r} is a directory, not a file")
        return FileSource(name or path.name, "", path.stat().st_size, path=path)
    if isinstance(content, io.TextIOBase):
        raise TypeError("file must be opened in binary mode ('rb'), not text mode")
    if not (hasattr(content, "read") and hasattr(content, "seek") and hasattr(content, "tell")):
        raise TypeError(
            "file must be bytes, a binary file object, a path, or a (name, content[, content type]) "
            f"tuple, not {type(content).__name__}"
        )
    stream: IO[bytes] = content  # type: ignore[assignment]
    start = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    own_name = getattr(stream, "name", None)
    default = Path(own_name).name if isinstance(own_name, str) and own_name else DEFAULT_FILE_NAME
    return FileSource(name or default, "", end - start, stream=stream, start=start)


def form_fields(extra_body: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """A call's ``extra_body`` as more text fields of the form (``True`` as ``true``)."""
    fields: list[tuple[str, str]] = []
    for name, value in (extra_body or {}).items():
        if value is True or value is False:
            fields.append((name, "true" if value else "false"))
        elif isinstance(value, (str, int, float)):
            fields.append((name, str(value)))
        else:
            raise TypeError(
                f"extra_body[{name!r}] must be a str, number or bool in a form, not {type(value).__name__}"
            )
    return fields
