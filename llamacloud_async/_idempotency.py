"""Creating a job at most once, across retries and ambiguous failures.

A create sends an ``Idempotency-Key``, made once per call and the same on every attempt,
so a server that honours it answers a repeated POST with the job it already made. A
server may ignore the header, so the request loop resends a create blindly only when the
failure proves nothing was processed (refused before sending, a 429). After an ambiguous
failure (a timeout or a reset after the body went out, a 5xx), ``create_once`` first asks
``reconcile`` for the job the call may have made already, and resends only when there is
none; the lookup is the caller's (v2: jobs with the same input made since the call
began, on the server's clock). If the lookup itself fails, the original error is raised:
sending again then could create a second, billed job.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

from ._errors import APIConnectionError, APIError, APIStatusError
from ._request import Request, RequestLoop
from ._retry import RetryEvent, RetryPolicy, never_sent
from ._transport import Reply
from ._types import TimeoutArg

R = TypeVar("R")
S = TypeVar("S")

AMBIGUOUS_STATUSES = frozenset({408, 500, 502, 503, 504})
"""Statuses after which the server may or may not have made the job."""


MAX_KEY_LENGTH = 255

_KEY = re.compile(r"[\x21-\x7e]+")
"""Visible ASCII: a key travels in a header, where a line break could forge another."""


def key_for(key: object) -> str:
    """The caller's key, checked, or a fresh one (a UUID) for this call."""
    if key is None:
        return str(uuid.uuid4())
    if not isinstance(key, str):
        raise TypeError(f"idempotency_key must be a str or None, not {type(key).__name__}")
    if len(key) > MAX_KEY_LENGTH or _KEY.fullmatch(key) is None:
        raise ValueError(
            f"idempotency_key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, got {key[:40]!r}"
        )
    return key


def server_time(headers: Mapping[str, str]) -> datetime | None:
    """The server's time from a reply's ``Date`` header; ``None`` when it is missing or
    malformed."""
    value = headers.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def create_request(path: str, body: bytes, key: str, timeout: TimeoutArg) -> Request:
    """The POST of a create: not idempotent, its key in ``Idempotency-Key``."""
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    return Request("POST", path, timeout, headers, body, idempotent=False, idempotency_key=key)


def is_ambiguous(error: APIError, policy: RetryPolicy) -> bool:
    """Whether ``error`` leaves open that the server processed the request: a 408 or a
    5xx, or a connection failure after sending (a timeout, a reset). A failure that proves
    the request never left, a refused redirect or a TLS failure is not."""
    if isinstance(error, APIStatusError):
        return error.status_code in AMBIGUOUS_STATUSES
    return isinstance(error, APIConnectionError) and policy.is_retryable(error) and not never_sent(error)


async def create_once(
    requests: RequestLoop, request: Request, reconcile: Callable[[APIError], Awaitable[R | None]]
) -> Reply | R:
    """Send the create ``request``; after an ambiguous failure, what ``reconcile`` finds,
    else send it again (see ``sent_once``); each resend is reported as a retry.

    Returns:
        The create's reply, or the job ``reconcile`` found.
    """

    def report(error: APIError, resent: int, delay: float) -> None:
        url = requests.options.base_url + request.path
        requests.report(RetryEvent(request, url, resent, error, delay))

    return await sent_once(lambda: requests.send(request), reconcile, requests.options.policy, report)


async def sent_once(
    send: Callable[[], Awaitable[S]],
    reconcile: Callable[[APIError], Awaitable[R | None]],
    policy: RetryPolicy,
    on_resend: Callable[[APIError, int, float], None] | None = None,
) -> S | R:
    """``send()`` a request that must take effect once (a create, an upload); after an
    ambiguous failure, what ``reconcile`` finds, else send it again (up to
    ``policy.max_retries`` times; with none left, the lookup still runs, and the error is
    raised only when it finds nothing).

    ``reconcile(error)`` returns what the request made, ``None`` when it made nothing, or
    raises ``error`` when it cannot tell. ``on_resend(error, resent, delay)`` observes
    each resend before its wait.

    Raises:
        APIError: The last failure, or the ambiguous one whose lookup failed.
    """
    import anyio

    resent = 0
    while True:
        try:
            return await send()
        except APIError as error:
            if not is_ambiguous(error, policy):
                raise
            try:
                found = await reconcile(error)
            except APIError as lookup_error:
                if lookup_error is error:
                    raise
                raise error from None
            if found is not None:
                return found
            if resent >= policy.max_retries:
                raise
            resent += 1
            delay = policy.delay(resent, error)
            if on_resend is not None:
                on_resend(error, resent, delay)
            await anyio.sleep(delay)
