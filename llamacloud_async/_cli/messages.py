"""What the command line says: bounded, escaped text on stderr and in JSON error fields.

Error messages carry text the server chose (a body excerpt, a request-id header). A
terminal interprets escape sequences in it, and a carriage return or newline could forge
a line of output; so every such text is escaped (`\\x1b`, `\\r`) and cut to a few hundred
characters before it is shown.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from .._errors import APIResponseValidationError, APIStatusError, LlamaCloudError

MAX_TEXT_CHARS = 500
"""The most characters of one message or field, escapes included."""

_UNSAFE = re.compile("([\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff])")
"""Control characters, line and paragraph separators, bidi overrides, lone surrogates."""

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class UsageError(Exception):
    """Bad input or options: reported on one line, exit status 2."""


USAGE_ERRORS = (UsageError, LlamaCloudError, ValueError)
"""What a command raises for bad input or options (an API failure, an ``APIError``, is
caught before these): exit status 2, and no summary, since nothing was done."""


def safe_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` with unsafe characters escaped and cut to `limit` characters.

    Args:
        text: Any text, possibly from the server.
        limit: The most characters to return, not counting a final "…".

    Returns:
        Text with no control characters: `\\x1b`, `\\n` and `\\udc9b` stand for them,
        ending in "…" when it was cut.
    """
    head = text[: limit + 1]
    if len(head) <= limit and _UNSAFE.search(head) is None:
        return head
    pieces: list[str] = []
    room = limit
    for number, part in enumerate(_UNSAFE.split(head)):
        piece = _escape(part) if number % 2 else part
        if len(piece) > room:
            if not number % 2:
                pieces.append(piece[:room])
            pieces.append("…")
            break
        pieces.append(piece)
        room -= len(piece)
    return "".join(pieces)


def _escape(char: str) -> str:
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def say(message: str) -> None:
    """Print `llamacloud-async: <message>` on stderr, made safe.

    Args:
        message: What to say; escaped and bounded by `safe_text`.
    """
    print(f"llamacloud-async: {safe_text(message)}", file=sys.stderr, flush=True)


def error_fields(error: Exception) -> dict[str, Any]:
    """The `error` object of a failed JSON line.

    Args:
        error: The item's exception.

    Returns:
        `type` and `message`, and `status_code` and `request_id` when the server
        answered; every text escaped and bounded.
    """
    fields: dict[str, Any] = {"type": type(error).__name__, "message": safe_text(str(error))}
    if isinstance(error, (APIStatusError, APIResponseValidationError)):
        fields["status_code"] = error.status_code
        fields["request_id"] = None if error.request_id is None else safe_text(error.request_id)
    return fields


def count(number: int, noun: str) -> str:
    """`1 document`, `2 documents`: `number` (with thousands separators) and `noun`,
    plural unless it is one."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"
