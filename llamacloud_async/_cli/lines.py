"""One JSON line per fetched item, valid JSON whatever the server sent.

`{"id": ..., "ok": true, "data": ...}` or `{"id": ..., "ok": false, "error": {...}}`.
With `--raw` the server's bytes become `data` without being decoded into models, which
is the fastest way to export; they are first checked to be exactly one JSON object in
valid UTF-8 (a syntax pass, about a fifteenth of the cost of decoding into models), so
a body such as `1,"ok":false` can never splice fields into the line.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec

from .._errors import APIResponseValidationError, body_excerpt
from .._response import BaseAPIResponse
from ..bulk import BulkResult
from .messages import error_fields

_encode = msgspec.json.Encoder().encode
_check_syntax = msgspec.json.Decoder(msgspec.Raw).decode


def encode_result(result: BulkResult[Any]) -> tuple[bytes, Exception | None]:
    """The JSON line for one result, and the error it reports.

    Args:
        result: A bulk result whose value is a model or a `BaseAPIResponse`.

    Returns:
        The line, newline included, and `None` when it reports success or else the
        error (the fetch's, or an `APIResponseValidationError` for a raw body that is
        not one JSON object).
    """
    if result.error is not None:
        return error_line(result.id, result.error), result.error
    value: object = result.value
    if not isinstance(value, BaseAPIResponse):
        return _encode({"id": result.id, "ok": True, "data": value}) + b"\n", None
    try:
        body = raw_json_object(cast("BaseAPIResponse[Any]", value))
    except APIResponseValidationError as error:
        return error_line(result.id, error), error
    return b"".join((b'{"id":', _encode(result.id), b',"ok":true,"data":', body, b"}\n")), None


def job_line(id_: str, job: object, *, ok: bool) -> bytes:
    """The JSON line of a finished job, as `fetch` writes an item.

    Args:
        id_: The job's ID.
        job: The job (a model).
        ok: Whether it succeeded.

    Returns:
        The line, newline included.
    """
    return _encode({"id": id_, "ok": ok, "data": job}) + b"\n"


def error_line(id_: str, error: Exception) -> bytes:
    """The JSON line of a failed item.

    Args:
        id_: The item's ID.
        error: Its exception.

    Returns:
        The line, newline included.
    """
    return _encode({"id": id_, "ok": False, "error": error_fields(error)}) + b"\n"


def raw_json_object(response: BaseAPIResponse[Any]) -> bytes:
    """A raw body as one line of JSON, after checking that it is one JSON object.

    Args:
        response: The undecoded response.

    Returns:
        The body without surrounding whitespace, compacted onto one line when the
        server sent it over several.

    Raises:
        APIResponseValidationError: The body is empty, is not JSON, is not UTF-8, is
            several values, is not an object or is nested too deeply to check.
    """
    content = response.content
    try:
        _check_syntax(content)
        if not content.isascii():
            content.decode("utf-8")
    except msgspec.DecodeError as exc:
        problem = "is empty" if not content.strip() else f"is not valid JSON ({exc})"
        raise _invalid(response, problem) from None
    except UnicodeDecodeError as exc:
        raise _invalid(response, f"is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except RecursionError:
        raise _invalid(response, "is nested too deeply") from None
    body = content.strip()
    if not body.startswith(b"{"):
        raise _invalid(response, "is not a JSON object")
    if b"\n" in body or b"\r" in body:
        body = msgspec.json.format(body, indent=0)  # as deep as the check above passed
    return body


def _invalid(response: BaseAPIResponse[Any], problem: str) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"GET {response.url} returned {response.status_code} but the body {problem}; "
        f"body: {body_excerpt(response.content)!r}",
        method="GET",
        url=response.url,
        status_code=response.status_code,
        request_id=response.request_id,
        body=response.content,
    )
