"""Client options: one frozen value, its defaults and its validation.

``AsyncLlamaCloud(...)``, ``with_options(...)`` and the generated sync ``LlamaCloud`` all
take exactly the fields of `ClientOptions` (a test holds them to it), and every
option is readable on the client::

    option              default                   what it governs
    api_key             $LLAMA_CLOUD_API_KEY      the bearer key (never shown); or
                        $LLAMA_PARSE_API_KEY
    base_url            $LLAMA_CLOUD_BASE_URL     the API's root URL
    timeout             60.0                      seconds one attempt may take, or a Timeout
    max_retries         2                         retries after a failed attempt
    max_retry_after     60.0                      the longest server hint honoured
    retry_backoff       0.5                       first backoff without a hint
    retry_on_conflict   False                     also retry 409
    total_timeout       None                      seconds for a call, all attempts
    default_headers     None                      headers sent with every request, over
                                                  those of $LLAMA_CLOUD_CUSTOM_HEADERS
    default_query       None                      query parameters sent with every request
    max_response_size   64 MiB                    the largest body accepted
    max_connections     100                       connections kept open at once
    rate_limit          None                      requests per second never exceeded
    proxy               $HTTPS_PROXY/$HTTP_PROXY  the proxy every request goes through
    verify              True ($SSL_CERT_FILE)     how server certificates are checked

Any option can be given to ``with_options(...)``. Each can be assigned on a client
(``client.max_retries = 5``) and applies to its next request, except the ones that shape
the HTTP session (``api_key``, ``default_headers``, ``max_connections``, ``proxy``,
``verify``): assigning one of those raises ``AttributeError`` naming ``with_options``.

``LLAMA_CLOUD_CUSTOM_HEADERS`` holds one ``Name: value`` per line; those headers come
first, and ``default_headers`` passed to the constructor win over them.

``base_url=None`` (the default) reads ``LLAMA_CLOUD_BASE_URL``, which counts as unset when
empty; an explicit empty ``base_url`` is a ``ValueError``, not production.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import ssl
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Generic, TypeVar, Union, cast, overload

from multidict import CIMultiDict
from yarl import URL

from ._errors import LlamaCloudError
from ._network import proxy_url_problem, ssl_setting
from ._retry import RetryPolicy
from ._types import Timeout, checked_timeout
from ._validation import extra_query_string

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.cloud.llamaindex.ai"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_AFTER = 60.0
DEFAULT_RETRY_BACKOFF = 0.5
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
DEFAULT_MAX_CONNECTIONS = 100


Verify = Union[bool, str, "os.PathLike[str]", ssl.SSLContext]
"""``verify=``: ``True``, ``False``, a CA bundle file or directory, or an ``ssl.SSLContext``."""


class InsecureBaseURLWarning(UserWarning):
    """The base URL is plain ``http://`` to a host other than loopback."""


class InsecureTLSWarning(UserWarning):
    """``verify=False``: server certificates are not checked, so anyone on the path can
    impersonate the API and read the key."""


@dataclass(frozen=True)
class ClientOptions:
    """Every option of a client, validated; build it with `create`."""

    api_key: str = field(repr=False)
    base_url: str
    timeout: float | Timeout | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    retry_backoff: float = DEFAULT_RETRY_BACKOFF
    retry_on_conflict: bool = False
    total_timeout: float | None = None
    default_headers: Mapping[str, str] | None = None
    default_query: Mapping[str, object] | None = None
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    rate_limit: float | None = None
    proxy: str | None = None
    verify: Verify = True
    policy: RetryPolicy = field(init=False, repr=False, compare=False)
    """The retry policy these options make (derived, never passed)."""
    default_query_encoded: dict[str, str] = field(init=False, repr=False, compare=False)
    """Each ``default_query`` name and its encoded ``name=value`` pairs, worked out once."""

    @classmethod
    def create(cls, *, api_key: str | None, base_url: str | None, **options: Any) -> ClientOptions:
        """Options from constructor arguments: ``None`` key and URL fall back to the environment."""
        key = api_key
        if key is None:
            key = os.environ.get("LLAMA_CLOUD_API_KEY") or os.environ.get("LLAMA_PARSE_API_KEY")
        url = base_url
        if url is None:
            url = os.environ.get("LLAMA_CLOUD_BASE_URL", "").strip() or DEFAULT_BASE_URL
        from_environment = _environment_headers()
        if from_environment:
            options["default_headers"] = {**from_environment, **(options.get("default_headers") or {})}
        return cls(api_key=_checked_api_key(key), base_url=_checked_base_url(url), **options)

    def __post_init__(self) -> None:
        checked = {
            "timeout": checked_timeout(self.timeout),
            "max_retries": _checked_count("max_retries", self.max_retries),
            "max_retry_after": checked_seconds("max_retry_after", self.max_retry_after) or 0.0,
            "retry_backoff": checked_seconds("retry_backoff", self.retry_backoff) or 0.0,
            "retry_on_conflict": bool(self.retry_on_conflict),
            "total_timeout": checked_seconds("total_timeout", self.total_timeout),
            "default_headers": _checked_headers(self.default_headers),
            "default_query": None if self.default_query is None else dict(self.default_query),
            "max_response_size": _checked_count("max_response_size", self.max_response_size),
            "max_connections": _checked_count("max_connections", self.max_connections),
            "rate_limit": checked_seconds("rate_limit", self.rate_limit),
            "proxy": _checked_proxy(self.proxy),
            "verify": _checked_verify(self.verify),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)
        policy = RetryPolicy(
            self.max_retries, self.max_retry_after, self.retry_on_conflict, initial_backoff=self.retry_backoff
        )
        object.__setattr__(self, "policy", policy)
        encoded = {
            name: extra_query_string("default_query", {name: value})
            for name, value in (self.default_query or {}).items()
        }
        object.__setattr__(
            self, "default_query_encoded", {name: pairs for name, pairs in encoded.items() if pairs}
        )

    def replace(self, **changes: Any) -> ClientOptions:
        """These options with ``changes`` applied and validated."""
        if "api_key" in changes:
            changes["api_key"] = _checked_api_key(changes["api_key"])
        if "base_url" in changes:
            changes["base_url"] = _checked_base_url(changes["base_url"])
        return replace(self, **changes)

    def headers(self) -> CIMultiDict[str]:
        """The headers every request carries: ``default_headers``, then the key.

        Names are case-insensitive and each is sent once: ``Authorization`` always
        carries ``api_key``, whatever ``default_headers`` holds.
        """
        headers = CIMultiDict(Accept="application/json")
        headers.update(self.default_headers or {})
        headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


OPTION_NAMES = tuple(f.name for f in fields(ClientOptions) if f.init)
"""The constructor's keyword arguments, in order."""

SESSION_OPTIONS = frozenset(
    {"api_key", "base_url", "default_headers", "max_response_size", "max_connections", "proxy", "verify"}
)
"""Options that shape the HTTP session; fixed for the life of a client."""


class Option(Generic[T]):
    """A client attribute that reads (and, when live, writes) one of its options."""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Option[T]: ...
    @overload
    def __get__(self, client: object, owner: type[Any]) -> T: ...
    def __get__(self, client: object | None, owner: type[Any]) -> Option[T] | T:
        if client is None:
            return self
        value: T = getattr(client._options, self.name)  # type: ignore[attr-defined]
        return value

    def __set__(self, client: Any, value: T) -> None:
        if self.name in SESSION_OPTIONS:
            raise AttributeError(
                f"{self.name} is fixed once the client is made; use client.with_options({self.name}=...)"
            )
        client._options = client._options.replace(**{self.name: value})


def _checked_api_key(key: str | None) -> str:
    if not key:
        raise LlamaCloudError(
            "The api_key client option must be set either by passing api_key to the client "
            "or by setting the LLAMA_CLOUD_API_KEY environment variable"
        )
    if any(ch in key for ch in "\r\n\x00"):
        raise ValueError("api_key contains a line break or NUL character")
    return key


_HOST = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z]*")
"""A host name (IDNA-encoded by yarl; underscores allowed, as container names have them),
an IPv4 address, or an IPv6 one (with a zone)."""


def _checked_base_url(raw: str) -> str:
    if not isinstance(raw, str) or not raw.strip():  # pyright: ignore[reportUnnecessaryIsInstance]
        raise ValueError(
            f"base_url must be an absolute http:// or https:// URL, got {raw!r} "
            "(pass None, or leave it out, for $LLAMA_CLOUD_BASE_URL or the default)"
        )
    try:
        url = URL(raw)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"base_url is not a valid URL: {raw!r} ({exc})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an absolute http:// or https:// URL, got {raw!r}")
    if any(character.isspace() for character in raw.strip()):
        raise ValueError(f"base_url must not contain whitespace, got {raw!r}")
    if not _HOST.fullmatch(url.raw_host or ""):
        raise ValueError(f"base_url's host is not a host name or IP address, got {raw!r}")
    if url.user is not None or url.password is not None:
        raise ValueError("base_url must not contain credentials; pass api_key instead")
    if url.query_string or url.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {raw!r}")
    if url.scheme == "http" and not _is_loopback(url.host):
        warnings.warn(
            f"base_url {raw!r} is plain http: the API key will be sent unencrypted",
            InsecureBaseURLWarning,
            stacklevel=5,
        )
    return str(url).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_seconds(name: str, value: object) -> float | None:
    """``value`` as positive seconds or ``None``; a ``ValueError`` naming ``name`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive, finite number or None, got {value!r}")
    return float(value)


def _checked_count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative int, got {value!r}")
    return value


def _environment_headers() -> dict[str, str]:
    """``LLAMA_CLOUD_CUSTOM_HEADERS``: one ``Name: value`` per line, as the official SDK
    reads it (lines without a colon are skipped)."""
    headers: dict[str, str] = {}
    for line in os.environ.get("LLAMA_CLOUD_CUSTOM_HEADERS", "").split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip()] = value.strip()
    return headers


def _checked_headers(headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """`headers` with names folded case-insensitively: of `X-Trace` and `x-trace`
    the last given wins, so no header is sent twice."""
    if headers is None:
        return None
    folded: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for name, value in headers.items():
        previous = spelling.get(name.lower())
        if previous is not None:
            del folded[previous]
        spelling[name.lower()] = name
        folded[name] = value
    return folded


def _checked_proxy(proxy: object) -> str | None:
    if proxy is None:
        return None
    if not isinstance(proxy, str) or proxy_url_problem(proxy) is not None:
        shown = repr(proxy) if not isinstance(proxy, str) or "@" not in proxy else "a URL with credentials"
        raise ValueError(f"proxy must be an absolute http:// or https:// URL, got {shown}")
    return str(proxy)


def _checked_verify(verify: object) -> Verify:
    if isinstance(verify, bool):
        if not verify:
            warnings.warn(
                "verify=False: TLS certificates are not checked; anyone on the network path can "
                "impersonate the API and read the API key",
                InsecureTLSWarning,
                stacklevel=6,
            )
        elif os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
            ssl_setting(True)  # a stale variable fails here, naming itself, not at a request
        return verify
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, (str, os.PathLike)):
        path = os.fspath(cast("str | os.PathLike[str]", verify))
        if not os.path.exists(path):
            raise ValueError(f"verify: no CA bundle file or directory at {path!r}")
        ssl_setting(path)  # loaded once now (and cached): not a bundle is a ValueError
        return path
    raise TypeError(
        f"verify must be True, False, a CA bundle path or an ssl.SSLContext, got {type(verify).__name__}"
    )
