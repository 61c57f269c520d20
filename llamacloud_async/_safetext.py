"""Text from a server, made safe to put in an exception message or a log line.

A server (or anything between it and the client: a proxy, a captive portal, a load
balancer) controls response bodies and headers. Before any of it reaches a message it is
redacted (the client's own secrets), stripped of HTML markup, escaped (control, bidi and
other invisible characters become ``\\x1b``-style escapes, so a message cannot move the
cursor, recolour a terminal or reorder text) and bounded in length.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = [
    "EXCERPT_CHARS",
    "MESSAGE_CHARS",
    "NO_SECRETS",
    "REDACTED",
    "Redactor",
    "clean",
    "excerpt",
    "shorten",
]

MESSAGE_CHARS = 480
"""The longest message an exception carries (``str(e)`` adds at most an attempt count)."""

EXCERPT_CHARS = 300
"""The longest body excerpt in a message."""

_EXCERPT_SCAN_BYTES = 64 * 1024
"""Only the start of a body is looked at for an excerpt (an HTML page's text may follow
kilobytes of markup and style)."""

REDACTED = "<redacted>"
_MIN_SECRET_CHARS = 8
"""Shorter secrets are not redacted: replacing every ``k`` of a message helps nobody."""

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb]"
)
"""C0 and C1 controls, DEL, the invisible format characters (bidi embeddings,
overrides, isolates and marks, zero-width characters, line and paragraph separators),
and lone surrogates: the undecodable bytes of a header aiohttp read as
`surrogateescape`, which no UTF-8 log file or terminal can take."""

_WHITESPACE = re.compile(r"\s+")
_HTML_HINT = re.compile(rb"^\s*<|<html|<body|<!doctype", re.IGNORECASE)
_HTML_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^<>]*>")


_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str) -> str:
    """``text`` with every control and invisible format character escaped (``\\x1b``)."""
    return _UNSAFE.sub(_escape, text)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in ``…`` when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(body: bytes, redactor: Redactor | None = None, limit: int = EXCERPT_CHARS) -> str:
    """A short, single-line, escaped excerpt of a response body, for messages.

    HTML markup (tags, scripts, styles, comments) is dropped and entities decoded, so a
    proxy's error page reads as its text; runs of whitespace become one space.
    """
    head = body[:_EXCERPT_SCAN_BYTES]
    text = head.decode("utf-8", errors="replace")
    if redactor is not None:
        text = redactor.text(text)
    if _HTML_HINT.search(head[:1024]):
        text = html.unescape(_HTML_TAG.sub(" ", _HTML_HIDDEN.sub(" ", text)))
    text = clean(_WHITESPACE.sub(" ", text).strip())
    if len(body) > _EXCERPT_SCAN_BYTES and len(text) < limit:
        text += "…"
    return shorten(text, limit)


class Redactor:
    """Replaces the client's secrets (its API key, a proxy's password) with ``<redacted>``."""

    __slots__ = ("_raw", "_secrets")

    def __init__(self, secrets: Iterable[str | None]) -> None:
        unique = {s for s in secrets if s and len(s) >= _MIN_SECRET_CHARS}
        self._secrets = tuple(sorted(unique, key=len, reverse=True))
        self._raw = tuple(s.encode("utf-8", errors="replace") for s in self._secrets)

    def adding(self, secrets: Iterable[str]) -> Redactor:
        """A redactor of these secrets and `secrets`."""
        return Redactor((*self._secrets, *secrets))

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def text(self, text: str) -> str:
        """``text`` without any of the secrets."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def bytes(self, data: bytes) -> bytes:
        """``data`` without any of the secrets (as UTF-8)."""
        for secret in self._raw:
            if secret in data:
                data = data.replace(secret, REDACTED.encode())
        return data

    def found_in(self, text: str) -> bool:
        """Whether any secret occurs in ``text``."""
        return any(secret in text for secret in self._secrets)

    def __repr__(self) -> str:
        return f"<Redactor of {len(self._secrets)} secret(s)>"


NO_SECRETS = Redactor(())
