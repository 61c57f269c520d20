"""What aiohttp (or the socket) raised during an attempt, as this package's exception.

One table decides the class; the original exception stays reachable as `__cause__` when
it is safe to show. aiohttp's response errors keep the request's headers (the API key's
`Authorization`) in `request_info`, so they are replaced in the chain by a copy
without them; any other link whose `repr` holds one of the client's secrets ends the
chain. The error is raised outside the `except` block, so `__context__` is empty.

    raised                                       becomes
    asyncio.TimeoutError (any aiohttp timeout)   APITimeoutError
    ssl.SSLError, aiohttp.ClientSSLError          APIConnectionError ("TLS error")
    aiohttp.ClientHttpProxyError 407             ProxyAuthenticationError
    aiohttp.ClientResponseError (bad HTTP)       APIConnectionError
    any other aiohttp.ClientError, OSError       APIConnectionError
    our own APIError (size cap, bad encoding)    itself
    anything else                                itself, untouched
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING

from multidict import CIMultiDict, CIMultiDictProxy

from ._errors import APIConnectionError, APIError, APITimeoutError, ProxyAuthenticationError
from ._safetext import Redactor, clean, shorten
from ._types import Timeout

if TYPE_CHECKING:
    import aiohttp
    from yarl import URL
else:
    from ._lazy import LazyModule

    aiohttp = LazyModule("aiohttp")

__all__ = ["translated", "without_secrets"]

_CHAIN_LINKS = 8
_DETAIL_CHARS = 200


def translated(
    exc: Exception, method: str, url: URL, timeout: float | Timeout | None, redactor: Redactor
) -> Exception:
    """The exception to raise for `exc`, with a cause chain free of secrets."""
    if isinstance(exc, APIError):
        error: Exception = exc
        cause = exc.__cause__
    elif isinstance(exc, asyncio.TimeoutError):
        limit = f"{timeout}s" if not isinstance(timeout, Timeout) else repr(timeout)
        error = APITimeoutError(f"{method} {url} timed out after {limit}", method=method, url=str(url))
        cause = exc
    elif isinstance(exc, (ssl.SSLError, ssl.CertificateError, aiohttp.ClientSSLError)):
        error = APIConnectionError(
            f"{method} {url} failed: TLS error: {_describe(exc, redactor)}", method=method, url=str(url)
        )
        cause = exc
    elif isinstance(exc, aiohttp.ClientHttpProxyError) and exc.status == 407:
        error = ProxyAuthenticationError(
            f"{method} {url} failed: the proxy answered 407 Proxy Authentication Required: it "
            "wants credentials in the proxy URL, or refused the ones given",
            method=method,
            url=str(url),
        )
        cause = exc
    elif isinstance(exc, (aiohttp.ClientError, OSError)):
        error = APIConnectionError(
            f"{method} {url} failed: {_describe(exc, redactor)}", method=method, url=str(url)
        )
        cause = exc
    else:
        return exc
    error.__cause__ = without_secrets(cause, redactor)
    error.__context__ = None
    error.__suppress_context__ = True
    return error


def without_secrets(exc: BaseException | None, redactor: Redactor) -> BaseException | None:
    """`exc` and its chain, safe to attach as a cause: aiohttp response errors replaced by
    copies without request headers, the chain cut before any link that shows a secret."""
    head = _safe_copy(exc) if exc is not None else None
    if head is None or _shows_secret(head, redactor):
        return None
    link = head
    for _ in range(_CHAIN_LINKS):
        following = link.__cause__
        if following is None and not link.__suppress_context__:
            following = link.__context__
        following = _safe_copy(following) if following is not None else None
        if following is not None and _shows_secret(following, redactor):
            following = None
        link.__cause__, link.__context__, link.__suppress_context__ = following, None, True
        if following is None:
            return head
        link = following
    link.__cause__, link.__context__ = None, None
    return head


def _safe_copy(exc: BaseException) -> BaseException:
    """`exc`, or for an aiohttp response error a copy of it without the request's headers,
    the redirect history and the response's headers."""
    if not isinstance(exc, aiohttp.ClientResponseError):
        return exc
    info = exc.request_info
    bare = aiohttp.RequestInfo(
        info.url.with_user(None),
        info.method,
        CIMultiDictProxy(CIMultiDict[str]()),
        info.real_url.with_user(None),
    )
    message = shorten(clean(exc.message), _DETAIL_CHARS)
    try:
        return type(exc)(bare, (), status=exc.status, message=message)
    except TypeError:  # a subclass with another signature
        return aiohttp.ClientResponseError(bare, (), status=exc.status, message=message)


def _shows_secret(exc: BaseException, redactor: Redactor) -> bool:
    if not redactor:
        return False
    try:
        shown = f"{exc!r} {exc!s} {vars(exc)!r}" if hasattr(exc, "__dict__") else f"{exc!r} {exc!s}"
    except Exception:  # a broken __repr__ cannot be vouched for
        return True
    return redactor.found_in(shown)


def _describe(exc: BaseException, redactor: Redactor) -> str:
    """`TypeName: what it says`, bounded, escaped and without secrets."""
    if isinstance(exc, aiohttp.ClientResponseError):
        detail = f"{exc.status}, {exc.message}" if exc.status else exc.message
    else:
        detail = str(exc)
    detail = redactor.text(detail) or type(exc).__name__
    return f"{type(exc).__name__}: {shorten(clean(detail), _DETAIL_CHARS)}"
