"""Retry decisions and Retry-After parsing, unit level."""

from __future__ import annotations

import asyncio
import ssl
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import aiohttp
import pytest

from llamacloud_async import APIConnectionError, APIResponseValidationError
from llamacloud_async._retry import RetryPolicy, retry_after

POLICY = RetryPolicy(max_retries=2, max_retry_after=60.0)


def connection_error(cause: BaseException) -> APIConnectionError:
    error = APIConnectionError("GET x failed", method="GET", url="x")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "bogus", "retry-after": "2"}, 2.0),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "Tomorrow-ish"}, None),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(headers) == expected


def test_retry_after_http_date_in_the_future_and_past() -> None:
    future = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    past = format_datetime(datetime.now(timezone.utc) - timedelta(seconds=30), usegmt=True)
    future_wait = retry_after({"retry-after": future})
    assert future_wait is not None
    assert 28 <= future_wait <= 30
    assert retry_after({"retry-after": past}) == 0.0


@pytest.mark.parametrize(
    "cause",
    [ssl.SSLError("bad"), ssl.SSLCertVerificationError("self-signed"), aiohttp.TooManyRedirects(None, ())],  # type: ignore[arg-type]
)
def test_tls_and_redirect_loop_failures_are_not_retried(cause: BaseException) -> None:
    assert not POLICY.is_retryable(connection_error(cause))


def test_connection_and_timeout_failures_are_retried() -> None:
    assert POLICY.is_retryable(connection_error(aiohttp.ServerDisconnectedError()))
    assert POLICY.is_retryable(connection_error(ConnectionResetError()))


@pytest.mark.parametrize("error", [asyncio.CancelledError(), KeyboardInterrupt(), SystemExit()])
def test_base_exceptions_are_never_retried(error: BaseException) -> None:
    assert not POLICY.is_retryable(error)


def test_validation_errors_are_not_retried() -> None:
    error = APIResponseValidationError(
        "bad", method="GET", url="x", status_code=200, request_id=None, body=b""
    )
    assert not POLICY.is_retryable(error)


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    delays = [POLICY.delay(n, None) for n in range(1, 9)]
    assert 0.375 <= delays[0] <= 0.5
    assert 0.75 <= delays[1] <= 1.0
    assert all(6.0 <= d <= 8.0 for d in delays[5:])
