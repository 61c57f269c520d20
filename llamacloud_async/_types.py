"""Small shared types: the NOT_GIVEN sentinel and the per-call timeout argument."""

from __future__ import annotations

from typing import Final, TypeAlias

__all__ = ["NOT_GIVEN", "NotGiven", "Timeout"]


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
