"""Checks on what callers pass, made before anything is sent.

Every path parameter becomes exactly one percent-encoded URL segment; anything that could
change the request's meaning (separators, dot segments, control characters) is refused
with a ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypeAlias, cast
from urllib.parse import quote

MAX_ID_LENGTH = 1024

EXPAND_VALUES = ("configuration", "extract_metadata", "usage")
"""The values ``client.extract.get(expand=...)`` accepts."""

QueryValue: TypeAlias = str | int | bool | Sequence[str] | None
"""A query parameter's value: ``None`` is left out, a sequence repeats the key."""

_PLAIN_ID = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*")
_FORBIDDEN = re.compile(r"[/?#\\\x00-\x1f\x7f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def path_segment(name: str, value: str) -> str:
    """``value`` encoded as one URL path segment, or a ``ValueError`` naming ``name``."""
    if type(value) is str and len(value) <= MAX_ID_LENGTH and _PLAIN_ID.fullmatch(value) is not None:
        return value
    return quote(_checked_id(name, value), safe="")


def _checked_id(name: str, value: object) -> str:
    """``value`` when it is a valid ID (one path segment), else a ``TypeError``/``ValueError``."""
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


def encode_query(params: Mapping[str, QueryValue]) -> str:
    """``params`` (already checked) as an encoded query string with its ``?``, or ``""``.

    ``None`` values are left out, booleans are ``true``/``false`` and a sequence repeats
    its key (``job_ids=a&job_ids=b``), as the official SDK sends them.
    """
    pairs: list[str] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append(f"{key}={'true' if value else 'false'}")
        elif isinstance(value, int):
            pairs.append(f"{key}={value}")
        elif isinstance(value, str):
            pairs.append(f"{key}={quote(value, safe='')}")
        else:
            pairs.extend(f"{key}={quote(item, safe='')}" for item in value)
    return "?" + "&".join(pairs) if pairs else ""


def text(name: str, value: object) -> str:
    """``value`` when it is a non-empty string, else a ``TypeError``/``ValueError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def optional_bool(name: str, value: object) -> bool | None:
    """``value`` when it is ``None`` or a ``bool``, else a ``TypeError``."""
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(f"{name} must be a bool or None, not {type(value).__name__}")


def optional_text(name: str, value: object) -> str | None:
    """``value`` when it is ``None`` or a non-empty string, else a ``TypeError``/``ValueError``."""
    return None if value is None else _checked_param(name, value)


def choice(name: str, value: object, allowed: Sequence[str]) -> str | None:
    """``value`` when it is ``None`` or one of ``allowed``, else a ``ValueError`` listing them."""
    if value is None or (isinstance(value, str) and value in allowed):
        return value
    raise ValueError(f"unknown {name} {value!r}; allowed: {', '.join(allowed)}")


def positive_int(name: str, value: object) -> int | None:
    """``value`` when it is ``None`` or an ``int`` of at least 1."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def non_negative_int(name: str, value: object) -> int | None:
    """``value`` when it is ``None`` or an ``int`` of at least 0."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}")
    return value


def seconds(name: str, value: object, *, positive: bool = False) -> float:
    """``value`` as a finite number of seconds, at least 0 (above 0 with ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if math.isnan(value) or value < 0 or (positive and value == 0) or math.isinf(value):
        needed = "above 0" if positive else "at least 0"
        raise ValueError(f"{name} must be a finite number of seconds {needed}, got {value!r}")
    return float(value)


def id_list(name: str, ids: object) -> list[str]:
    """``ids`` checked one by one and deduplicated in order; at least one is needed.

    A bare string is refused (it would be read as a list of characters).
    """
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
        raise TypeError(f"{name} must be a list of IDs, not {type(ids).__name__}")
    checked: list[str] = []
    for value in cast("Iterable[object]", ids):
        checked.append(_checked_id(name, value))
    if not checked:
        raise ValueError(f"{name} cannot be empty")
    return list(dict.fromkeys(checked))


def timestamp(name: str, value: object) -> str | None:
    """``value`` as an ISO 8601 string (a ``datetime`` without a timezone is taken as UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name} is not an ISO 8601 timestamp: {value!r}") from None
        return value
    raise TypeError(f"{name} must be a datetime or an ISO 8601 string, not {type(value).__name__}")


def mapping(name: str, value: object) -> dict[str, Any]:
    """``value`` as a plain ``dict`` when it is a mapping, else a ``TypeError``."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping, not {type(value).__name__}")
    return dict(cast("Mapping[str, Any]", value))


def mappings(name: str, value: object) -> list[dict[str, Any]]:
    """``value`` as a list of plain ``dict`` when it is an iterable of mappings."""
    if isinstance(value, (Mapping, str, bytes)) or not isinstance(value, Iterable):
        kind: str = type(value).__name__  # pyright: ignore[reportUnknownArgumentType]
        raise TypeError(f"{name} must be a list of mappings, not {kind}")
    return [mapping(name, item) for item in cast("Iterable[object]", value)]


def json_body(body: Mapping[str, Any]) -> bytes:
    """``body`` encoded as JSON, or a ``TypeError`` saying which value cannot be."""
    import msgspec

    try:
        return msgspec.json.encode(body)
    except (TypeError, msgspec.EncodeError) as error:
        raise TypeError(f"the arguments cannot be sent as JSON: {error}") from None


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
