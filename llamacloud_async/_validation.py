"""Checks on what callers pass, made before anything is sent.

Every path parameter becomes exactly one percent-encoded URL segment; anything that could
change the request's meaning (separators, dot segments, control characters) is refused
with a ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import cast
from urllib.parse import quote

MAX_ID_LENGTH = 1024

EXPAND_VALUES = ("configuration", "extract_metadata", "usage")
"""The values ``client.extract.get(expand=...)`` accepts."""

_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*")
_FORBIDDEN = re.compile(r"[/?#\\\x00-\x1f\x7f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def path_segment(name: str, value: str) -> str:
    """``value`` encoded as one URL path segment, or a ``ValueError`` naming ``name``."""
    if type(value) is str and len(value) <= MAX_ID_LENGTH and _PLAIN_ID.fullmatch(value) is not None:
        return value
    return quote(_checked_id(name, value), safe="")


def _checked_id(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if value != value.strip():
        raise ValueError(f"{name} has leading or trailing whitespace: {value!r}")
    if value in (".", ".."):
        raise ValueError(f"{name} cannot be {value!r}")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is longer than {MAX_ID_LENGTH} characters")
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        raise ValueError(f"{name} contains {bad.group()!r}, which cannot appear in an ID: {value!r}")
    return value


def query_string(
    *,
    organization_id: str | None,
    project_id: str | None,
    expand: str | Sequence[str] | None = None,
) -> str:
    """The encoded query string (with its ``?``), or ``""`` when there are no parameters."""
    if organization_id is None and project_id is None and not expand:
        return ""
    pairs: list[str] = [f"expand={value}" for value in expand_values(expand)]
    if organization_id is not None:
        pairs.append("organization_id=" + quote(_checked_param("organization_id", organization_id), safe=""))
    if project_id is not None:
        pairs.append("project_id=" + quote(_checked_param("project_id", project_id), safe=""))
    return "?" + "&".join(pairs) if pairs else ""


def expand_values(expand: str | Sequence[str] | None) -> list[str]:
    """The requested ``expand`` values, deduplicated in order, each one checked."""
    if expand is None:
        return []
    values = [expand] if isinstance(expand, str) else list(expand)
    unknown = [v for v in values if v not in EXPAND_VALUES]
    if unknown:
        allowed = ", ".join(EXPAND_VALUES)
        raise ValueError(f"unknown expand value(s) {unknown!r}; allowed: {allowed}")
    return list(dict.fromkeys(values))


def _checked_param(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string or None, got {value!r}")
    return value


def extra_query_string(name: str, query: Mapping[str, object] | None) -> str:
    """``query`` (``extra_query`` or ``default_query``) encoded as ``k=v&k=v``, without
    its separator; a list repeats its key, ``True`` is ``true`` and ``None`` is left out."""
    if not query:
        return ""
    pairs: list[str] = []
    for key, value in query.items():
        if not isinstance(key, str) or not key:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"{name} has a key that is not a non-empty string: {key!r}")
        values = list(cast("Sequence[object]", value)) if isinstance(value, (list, tuple)) else [value]
        encoded_key = quote(key, safe="")
        pairs.extend(
            f"{encoded_key}={quote(_query_value(name, key, v), safe='')}" for v in values if v is not None
        )
    return "&".join(pairs)


def _query_value(name: str, key: str, value: object) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(
        f"{name}[{key!r}] must be a str, number, bool or a list of them, not {type(value).__name__}"
    )


def checked_extra_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A call's ``extra_headers``, checked: names and values are strings without line
    breaks, and ``Authorization`` is refused (the client's ``api_key`` is always sent)."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"extra_headers has an invalid header name: {name!r}")
        if not isinstance(value, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"extra_headers[{name!r}] must be a str, not {type(value).__name__}")
        if any(ch in value for ch in "\r\n\x00"):
            raise ValueError(f"extra_headers[{name!r}] contains a line break or NUL character")
        if name.lower() == "authorization":
            raise ValueError(
                "extra_headers cannot set Authorization: the client's api_key is always sent; "
                "use client.with_options(api_key=...) for another key"
            )
        checked[name] = value
    return checked
