"""Hostile and broken servers: each case is one row, and every row keeps the same promises.

A row says what the server does (the raw bytes it answers with, so anything a proxy, a
captive portal or an attacker could send) and which exception the call must raise.
Whatever the row, the error:

- is a `LlamaCloudError` of exactly the expected class;
- never shows the API key: not in `str`, `repr`, the attributes, any link of the
  `__cause__`/`__context__` chain, the formatted traceback, or any log line at DEBUG;
- has a message under 500 characters with no raw control or bidi characters.

To add a case, add a row to `CASES` (and, if the row needs it, a `check`).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import msgspec
import pytest

from llamacloud_async import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AsyncLlamaCloud,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    LlamaCloudError,
    NotFoundError,
    RedirectError,
    UnprocessableEntityError,
)

from .conftest import fixture_json
from .rawhttp import RawRequest, RawServer, http

KEY = "llx-hostile-test-key-5f3a9c"
RUN_PATH = "/api/v1/extraction/runs/run-1"
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
NESTED = b"[" * 100_000 + b"]" * 100_000
RUN_NESTING_DATA = msgspec.json.encode({**fixture_json("extraction_run.json"), "data": "DEEP"}).replace(
    b'"DEEP"', b'{"a":' * 100_000 + b"1" + b"}" * 100_000
)
"""A run whose free-form `data` holds 100,000 nested objects (typed fields come first)."""
HOSTILE_TEXT = "boom \x1b[2J\x1b[31mred\x07 \r\nInjected: header \u009b \u202egnp.exe"


def echo(request: RawRequest) -> str:
    """The request's head, as a server that echoes it would show it."""
    return request.head.decode("latin-1")


def html_page(title: str, size: int) -> bytes:
    rule = "<style>body { font-family: sans-serif; }</style>"
    style = rule * (size // len(rule) + 1)
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{style}</head>"
        f"<body><h1>{title}</h1><p>The upstream server did not answer.</p></body></html>"
    ).encode()


@dataclass(frozen=True)
class Case:
    id: str
    respond: Callable[[RawRequest], bytes]
    expected: type[APIError]
    check: Callable[[APIError], None] | None = None


def _detail_is_none(error: APIError) -> None:
    assert isinstance(error, APIStatusError)
    assert error.detail is None
    assert isinstance(error.body, str)
    assert error.body.startswith("{")


def _excerpt_is_the_page_text(error: APIError) -> None:
    assert isinstance(error, APIStatusError)
    assert error.body_excerpt == "Bad Gateway The upstream server did not answer."
    assert "<" not in str(error)
    assert isinstance(error.body, str)
    assert len(error.body) > 25_000  # all of it is still there


def _request_id_is_cut(error: APIError) -> None:
    assert isinstance(error, APIStatusError)
    assert error.request_id == "r" * 7000
    assert "r" * 60 in str(error)
    assert "r" * 100 not in str(error)


def _request_id_is_escaped(error: APIError) -> None:
    assert "caf\\udce9" in str(error)  # the undecodable byte, as aiohttp kept it, escaped


def _escaped(error: APIError) -> None:
    assert "\\x1b[2J" in str(error)
    assert "\\u202e" in str(error)


def _detail_is_decoded(error: APIError) -> None:
    assert isinstance(error, APIStatusError)
    assert error.detail == HOSTILE_TEXT  # the attribute holds what the server said
    assert "\\u001b[2J" in str(error)  # the message shows it escaped


def _names_the_origin(error: APIError) -> None:
    assert "http://127.0.0.2:9" in str(error)
    assert "another origin" in str(error)


def _key_redacted_everywhere(error: APIError) -> None:
    assert isinstance(error, APIStatusError)
    assert "<redacted>" in str(error)
    assert KEY not in repr(error.body)
    assert KEY in error.response.text  # the bytes as received stay available


def _keeps_the_cause_type(error: APIError) -> None:
    assert error.__cause__ is not None
    assert type(error.__cause__).__name__ == "ClientResponseError"
    assert "ClientResponseError" in str(error)


def _says_base_url(error: APIError) -> None:
    assert "is base_url right?" in str(error)


CASES = [
    Case(
        "401 JSON echoing the Authorization header",
        lambda r: http(401, {"Content-Type": "application/json"}, b'{"detail": "bad: %s"}' % r.head),
        AuthenticationError,
        _key_redacted_everywhere,
    ),
    Case(
        "200 HTML page echoing the request",
        lambda r: http(200, {"Content-Type": "text/html"}, f"<html><pre>{echo(r)}</pre></html>".encode()),
        APIResponseValidationError,
    ),
    Case(
        "500 echoing the key in a response header",
        lambda r: http(500, {"X-Echo": echo(r).split("Authorization: ")[1].split("\r\n")[0]}, b"no"),
        InternalServerError,
    ),
    Case(
        "502 with a 25 KB HTML page",
        lambda r: http(502, {}, html_page("Bad Gateway", 25_000)),
        InternalServerError,
        _excerpt_is_the_page_text,
    ),
    Case(
        "500 with a 7,000-character request id",
        lambda r: http(500, {"x-request-id": "r" * 7000}),
        InternalServerError,
        _request_id_is_cut,
    ),
    Case(
        "500 with control and bidi characters in the request id and body",
        lambda r: http(500, {"x-request-id": HOSTILE_TEXT.replace("\r\n", " ")}, HOSTILE_TEXT.encode()),
        InternalServerError,
        _escaped,
    ),
    Case(
        "400 with a JSON detail full of control characters",
        lambda r: http(400, {}, msgspec.json.encode({"detail": HOSTILE_TEXT})),
        BadRequestError,
        _detail_is_decoded,
    ),
    Case(
        "200 with 100,000 nested objects",
        lambda r: http(200, {}, RUN_NESTING_DATA),
        APIResponseValidationError,
    ),
    Case(
        "422 with 100,000 nested arrays in detail",
        lambda r: http(422, {}, b'{"detail": ' + NESTED + b"}"),
        UnprocessableEntityError,
        _detail_is_none,
    ),
    Case(
        "200 with a corrupt gzip body",
        lambda r: http(200, {"Content-Encoding": "gzip"}, b"\x1f\x8b not gzip at all" * 10),
        APIResponseValidationError,
    ),
    Case(
        "a malformed status line",
        lambda r: b"HTTP/1.1 abc \x1b[31mOops\r\n\r\n",
        APIConnectionError,
        _keeps_the_cause_type,
    ),
    Case(
        "garbage instead of HTTP",
        lambda r: b"\x00\x01\x02" + HOSTILE_TEXT.encode() + b"\r\n\r\n",
        APIConnectionError,
        _keeps_the_cause_type,
    ),
    Case(
        "a header line longer than aiohttp accepts",
        lambda r: http(200, {"X-Long": "a" * 20_000}),
        APIConnectionError,
    ),
    Case("closing before answering", lambda r: b"", APIConnectionError),
    Case(
        "a broken chunked body",
        lambda r: http(200, {"Transfer-Encoding": "chunked"}, b"zz\r\nnot a chunk\r\n"),
        APIConnectionError,
    ),
    Case(
        "a redirect to another origin",
        lambda r: http(302, {"Location": f"http://127.0.0.2:9/steal?key={KEY}"}),
        RedirectError,
        _names_the_origin,
    ),
    Case("a redirect loop within the origin", lambda r: http(307, {"Location": RUN_PATH}), RedirectError),
    Case(
        "404 with a text body",
        lambda r: http(404, {"Content-Type": "text/plain"}, b"404: Not Found"),
        NotFoundError,
        _says_base_url,
    ),
    Case(
        "500 with a request id that is not UTF-8",
        lambda r: http(500, {"x-request-id": "caf?"}, b"no").replace(b"caf?", b"caf\xe9"),
        InternalServerError,
        _request_id_is_escaped,
    ),
    Case(
        "a declared body larger than max_response_size",
        lambda r: http(200, {"Content-Length": str(10**9)}),
        APIResponseValidationError,
    ),
]


def chain(error: BaseException) -> list[BaseException]:
    """`error` and every exception reachable through `__cause__` and `__context__`."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        link = pending.pop()
        if link is None or any(link is s for s in seen):
            continue
        seen.append(link)
        pending += [link.__cause__, link.__context__]
    return seen


def everything_shown(error: BaseException) -> str:
    parts = ["".join(traceback.format_exception(error))]
    for link in chain(error):
        parts += [str(link), repr(link), repr(getattr(link, "__dict__", {}))]
    return "\n".join(parts)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_a_hostile_server_gets_a_clean_typed_error(
    case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        RawServer(case.respond) as server,
        AsyncLlamaCloud(
            api_key=KEY, base_url=server.url, max_retries=1, retry_backoff=0.001, max_response_size=1_000_000
        ) as client,
    ):
        with pytest.raises(LlamaCloudError) as caught:
            await client.extraction.runs.get("run-1")

    error = caught.value
    assert type(error) is case.expected, f"{type(error).__name__}: {error}"
    assert isinstance(error, APIError)
    assert KEY not in everything_shown(error)
    assert KEY not in caplog.text
    assert len(str(error)) < 500
    assert not UNSAFE.search(str(error)), repr(str(error))
    str(error).encode("utf-8")  # no lone surrogate: it can be written to a UTF-8 log
    assert server.requests, "the request reached the server"
    if case.check is not None:
        case.check(error)
