"""Small shared types: the NOT_GIVEN sentinel, the timeouts a call or a client takes, file inputs."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import IO, Final, Protocol, TypeAlias, cast

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "Query",
    "Timeout",
    "TimeoutArg",
    "checked_timeout",
]

Headers: TypeAlias = Mapping[str, str]
"""A call's ``extra_headers``."""
Query: TypeAlias = Mapping[str, object]
"""A call's ``extra_query`` or a client's ``default_query``."""
Body: TypeAlias = Mapping[str, object]
"""A call's ``extra_body``: fields merged into its JSON body."""


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


class PhaseTimeouts(Protocol):
    """Anything with per-phase seconds, such as ``httpx.Timeout`` or `Timeout`."""

    @property
    def connect(self) -> float | None: ...
    @property
    def read(self) -> float | None: ...
    @property
    def write(self) -> float | None: ...
    @property
    def pool(self) -> float | None: ...


class Timeout:
    """Seconds for each phase of an attempt, built like ``httpx.Timeout``.

    ``Timeout(10)`` gives every phase 10 s; ``Timeout(10, connect=2)`` connects within
    2 s and allows 10 s for the rest; ``Timeout(None)`` sets no limit. ``connect`` bounds
    opening a connection, ``pool`` waiting for a free one (on top of ``connect``), and
    ``read`` each wait for the next bytes of the response. ``write`` is accepted for
    compatibility; sending is bounded by the other phases.

    Where a timeout is a plain number instead, it bounds the whole attempt.
    """

    __slots__ = ("connect", "pool", "read", "write")

    def __init__(
        self,
        timeout: float | NotGiven | None = NOT_GIVEN,
        *,
        connect: float | NotGiven | None = NOT_GIVEN,
        read: float | NotGiven | None = NOT_GIVEN,
        write: float | NotGiven | None = NOT_GIVEN,
        pool: float | NotGiven | None = NOT_GIVEN,
    ) -> None:
        phases = {"connect": connect, "read": read, "write": write, "pool": pool}
        if timeout is NOT_GIVEN:
            missing = [name for name, value in phases.items() if value is NOT_GIVEN]
            if missing:
                raise ValueError(
                    "Timeout needs a default (Timeout(10, connect=2)) or all four phases; "
                    f"missing: {', '.join(missing)}"
                )
        for name, value in phases.items():
            seconds = timeout if value is NOT_GIVEN else value
            object.__setattr__(self, name, _checked_phase(name, seconds))

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Timeout is immutable")

    def _key(self) -> tuple[float | None, ...]:
        return (self.connect, self.read, self.write, self.pool)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Timeout) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Timeout(connect={self.connect}, read={self.read}, write={self.write}, pool={self.pool})"


TimeoutArg: TypeAlias = float | Timeout | PhaseTimeouts | NotGiven | None
"""A call's ``timeout=``: seconds for the whole attempt, per-phase seconds (a
`Timeout` or an ``httpx.Timeout``), ``None`` for no limit, or ``NOT_GIVEN`` for
the client's ``timeout``."""


def checked_timeout(value: object) -> float | Timeout | None:
    """A ``timeout=`` value as seconds, a `Timeout` or ``None``; a ``ValueError`` otherwise."""
    if value is None or isinstance(value, Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < math.inf:
        return float(value)
    if not isinstance(value, (int, float, str)) and all(
        hasattr(value, phase) for phase in ("connect", "read", "write", "pool")
    ):
        phases = cast(PhaseTimeouts, value)
        return Timeout(connect=phases.connect, read=phases.read, write=phases.write, pool=phases.pool)
    raise ValueError(
        f"timeout must be a positive number of seconds, a Timeout or None (no limit), got {value!r}"
    )


def _checked_phase(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"Timeout {name} must be a positive, finite number or None, got {value!r}")
    return float(value)


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
