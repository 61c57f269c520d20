"""Small shared types: the NOT_GIVEN sentinel, the per-call timeout argument, file inputs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Final, TypeAlias

__all__ = ["NOT_GIVEN", "FileContent", "FileTypes", "NotGiven", "Timeout"]


class NotGiven:
    """Marks an argument the caller left out, where ``None`` has a meaning of its own."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Timeout: TypeAlias = float | NotGiven | None
"""Seconds for one attempt (connect, headers and body); ``None`` for no limit;
``NOT_GIVEN`` for the client's default."""

FileContent: TypeAlias = IO[bytes] | bytes | os.PathLike[str] | str
"""A file's content: a binary file object, bytes, or a path (``str`` or ``PathLike``)."""

FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
"""What ``files.create(file=...)`` accepts, as in the official SDK: the content, or a
``(file name, content[, content type[, headers]])`` tuple."""
