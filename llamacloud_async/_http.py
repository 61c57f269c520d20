"""The small request and response values that errors and raw responses show users.

They stand where the official SDK shows ``httpx.Request`` and ``httpx.Response``, with the
same names for what they carry (``method``, ``url``, ``status_code``, ``headers``,
``content``, ``text``, ``json()``), so code reading them keeps working without httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import msgspec

from ._safetext import clean, shorten

if TYPE_CHECKING:
    from ._upload import Upload

__all__ = ["HTTPRequest", "Response"]


class HTTPRequest:
    """The request an error or a raw response is about: its method, URL and body.

    Headers are left out on purpose: the client's carry the API key.
    """

    __slots__ = ("content", "method", "url")

    def __init__(self, method: str, url: str, content: bytes | Upload | None = None) -> None:
        self.method = method
        """The HTTP method, e.g. ``"GET"``."""
        self.url = url
        """The full URL requested, query string included."""
        self.content = content if isinstance(content, bytes) else b""
        """The request body (``b""`` when there was none, and for a file upload, which is
        streamed from its source and never held whole)."""

    def __repr__(self) -> str:
        return f"<HTTPRequest {self.method} {shorten(clean(self.url), 200)}>"


class Response:
    """An HTTP response: status, headers and body as received, and its request."""

    __slots__ = ("content", "headers", "request", "status_code", "url")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        url: str,
        request: HTTPRequest | None = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        """The response headers (case-insensitive when they came from the server)."""
        self.content = content
        """The body exactly as received (after content decoding), unredacted."""
        self.url = url
        self.request = request
        """The request it answers."""

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> object:
        """The body decoded as JSON (``msgspec.DecodeError`` when it is not JSON)."""
        return msgspec.json.decode(self.content)

    @property
    def request_id(self) -> str | None:
        """The server's request id (`x-request-id`, or `request-id`), when it sent one."""
        return self.headers.get("x-request-id") or self.headers.get("request-id")

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}] {shorten(clean(self.url), 200)}>"
