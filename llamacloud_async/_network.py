"""Proxies and TLS: which proxy a URL goes through, and which certificates are trusted.

Both follow the environment unless the client was told otherwise, read when a
connection pool opens (the first request on each event loop), not per request::

    setting    option                  environment (when the option is not given)
    proxy      proxy="http://p:3128"   HTTPS_PROXY / HTTP_PROXY (else ALL_PROXY), minus
                                       NO_PROXY hosts; an unusable one is ignored, logged
    trust      verify=True (default)   SSL_CERT_FILE / SSL_CERT_DIR, else the system store
               verify="ca.pem"         that bundle (a file) or directory of certificates
               verify=ssl_context      that context, as is
               verify=False            nothing: certificates are not checked

A CA bundle (`verify=` or `SSL_CERT_FILE`) is also loaded when the client is made, so a
stale one is a `ValueError` naming it at construction.

aiohttp's own `trust_env` is not used: it looks the environment (and `~/.netrc`, whose
credentials would collide with the API key's `Authorization`) up again on every request
in a worker thread.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from yarl import URL

if TYPE_CHECKING:
    from ._config import Verify

__all__ = ["ProxyRoutes", "proxy_routes", "proxy_url_problem", "ssl_setting"]

log = logging.getLogger("llamacloud_async")


_bypassed: Callable[[str, dict[str, str]], bool] = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
"""Whether `NO_PROXY` (in the given variables) exempts a `host[:port]`; urllib's, untyped."""


def ssl_setting(verify: Verify) -> ssl.SSLContext | bool:
    """What the connection pool checks servers' certificates with (`False`: nothing).

    A bundle that cannot be loaded raises `ValueError` naming its path and where it came
    from (`verify=`, or the variable), never a bare `FileNotFoundError` or `ssl.SSLError`.
    """
    if verify is False:
        return False
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        cafile = os.environ.get("SSL_CERT_FILE") or None
        capath = os.environ.get("SSL_CERT_DIR") or None
        return _loaded(cafile, capath, "$SSL_CERT_FILE" if cafile else "$SSL_CERT_DIR")
    path = os.fspath(verify)
    if os.path.isdir(path):
        return _loaded(None, path, "verify")
    return _loaded(path, None, "verify")


def _loaded(cafile: str | None, capath: str | None, source: str) -> ssl.SSLContext:
    """`_context(cafile, capath)`, or a `ValueError` naming `source` and the path."""
    try:
        return _context(cafile, capath)
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        path = cafile if source != "$SSL_CERT_DIR" else capath
        if isinstance(exc, ssl.SSLError):
            reason = str(exc.reason or exc)
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = str(exc)
        raise ValueError(f"{source}: cannot load a CA bundle from {path!r} ({reason})") from None


@functools.lru_cache(maxsize=8)
def _context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """A verifying context trusting `cafile`/`capath`, or the system store when both are
    `None`. Loading a store takes milliseconds, so each is built once per process."""
    return ssl.create_default_context(cafile=cafile, capath=capath)


class Proxy:
    """One proxy: its URL (credentials included: aiohttp sends them as the proxy's
    `Proxy-Authorization`) and the secrets in it."""

    __slots__ = ("secrets", "url")

    def __init__(self, raw: str) -> None:
        self.url = URL(raw)
        secrets: tuple[str, ...] = ()
        if self.url.password:
            token = base64.b64encode(f"{self.url.user or ''}:{self.url.password}".encode()).decode()
            secrets = (self.url.password, token)
        self.secrets = secrets
        """The password and its encoded header value: never shown in messages."""


class ProxyRoutes:
    """Which proxy each request goes through; `None` from `proxy_routes` when none does."""

    __slots__ = ("_by_scheme", "_chosen", "_environment", "secrets")

    def __init__(self, by_scheme: Mapping[str, Proxy], environment: Mapping[str, str] | None) -> None:
        self._by_scheme = dict(by_scheme)
        self._environment = environment
        """The proxy variables the choice came from (for NO_PROXY); `None` for an explicit proxy."""
        self._chosen: dict[tuple[str, str | None, int | None], URL | None] = {}
        self.secrets = tuple(secret for proxy in self._by_scheme.values() for secret in proxy.secrets)

    def for_url(self, url: URL) -> URL | None:
        """The proxy for a request to `url`; `None` to go direct."""
        key = (url.scheme, url.host, url.port)
        try:
            return self._chosen[key]
        except KeyError:
            choice = self._chosen[key] = self._choose(url)
            return choice

    def _choose(self, url: URL) -> URL | None:
        proxy = self._by_scheme.get(url.scheme)
        if proxy is None:
            return None
        environment = self._environment
        if environment is not None and url.host is not None:
            host = url.host if url.port is None else f"{url.host}:{url.port}"
            if _bypassed(host, dict(environment)):
                return None
        return proxy.url


def proxy_routes(explicit: str | None) -> ProxyRoutes | None:
    """The routes for a new connection pool: every request through `explicit` when given,
    else as the environment says; `None` when no request goes through a proxy.

    A proxy variable that is not a usable proxy URL (malformed, no host, a bad port, a
    SOCKS scheme) is ignored with a warning in the log naming the variable, never its
    value (which may hold credentials): requests of that scheme go direct.
    """
    if explicit is not None:
        proxy = Proxy(explicit)
        return ProxyRoutes({"http": proxy, "https": proxy}, None)
    environment = urllib.request.getproxies_environment()
    from_variable: dict[str, Proxy | None] = {}
    by_scheme: dict[str, Proxy] = {}
    for scheme in ("http", "https"):
        key = scheme if environment.get(scheme) else "all"  # ALL_PROXY: any scheme without its own
        if key not in from_variable:
            from_variable[key] = _environment_proxy(key, environment.get(key))
        proxy = from_variable[key]
        if proxy is not None:
            by_scheme[scheme] = proxy
    return ProxyRoutes(by_scheme, environment) if by_scheme else None


def _environment_proxy(key: str, raw: str | None) -> Proxy | None:
    """The proxy a variable names; `None` when empty, or unusable (logged)."""
    if not raw:
        return None
    if "://" not in raw:
        raw = f"http://{raw}"  # curl's reading of HTTP_PROXY=host:port
    problem = proxy_url_problem(raw)
    if problem is not None:
        log.warning("ignoring %s from the environment: %s", _variable(key), problem)
        return None
    return Proxy(raw)


def proxy_url_problem(raw: str) -> str | None:
    """What makes `raw` unusable as a proxy URL, without quoting it; `None` when usable."""
    try:
        url = URL(raw)
        host, _ = url.host, url.port  # yarl checks the port only when it is read
    except (ValueError, TypeError):
        return "it is not a valid URL"
    if url.scheme not in ("http", "https"):
        return "only http:// and https:// proxies work"
    if not host or not host.strip():
        return "it has no host"
    return None


def _variable(key: str) -> str:
    """The variable `urllib` read for `key` (`https` -> `https_proxy` or `HTTPS_PROXY`)."""
    lower = f"{key}_proxy"
    return lower if os.environ.get(lower) else lower.upper()
