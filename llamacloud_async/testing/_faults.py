"""Faults a ``FakeLlamaCloud`` can inject, as small immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "AfterProcessing",
    "CloseMidBody",
    "Delay",
    "Fault",
    "HTMLError",
    "Oversized",
    "Redirect",
    "Reset",
    "Status",
    "Trickle",
    "TruncatedJSON",
]


@dataclass(frozen=True)
class Status:
    """Answer with ``status`` (JSON ``{"detail": ...}``) and extra headers.

    ``Status(429, headers={"Retry-After": "2"})`` is a rate limit with a hint.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    detail: str = "injected fault"


@dataclass(frozen=True)
class HTMLError:
    """Answer with an HTML error page, as a proxy or load balancer would."""

    status: int = 502


@dataclass(frozen=True)
class Reset:
    """Reset the connection (TCP RST) before any response byte is sent."""


@dataclass(frozen=True)
class CloseMidBody:
    """Send the headers and half the body, then close the connection."""


@dataclass(frozen=True)
class TruncatedJSON:
    """Send half the JSON body with a ``Content-Length`` that matches the half."""


@dataclass(frozen=True)
class Trickle:
    """Send the body one byte every ``interval`` seconds."""

    interval: float = 0.5


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before answering normally."""

    seconds: float


@dataclass(frozen=True)
class Oversized:
    """Stream a body of ``size`` bytes (never held in memory at once)."""

    size: int
    declare_length: bool = False


@dataclass(frozen=True)
class Redirect:
    """Redirect (302) to ``location``."""

    location: str


@dataclass(frozen=True)
class AfterProcessing:
    """Process the request (a create really creates its job), then answer with ``fault``.

    ``AfterProcessing(Reset())`` is the ambiguous failure: the body was read and the job
    exists, but the client never hears so. ``AfterProcessing(Status(503))`` is a 5xx from
    a server that did the work anyway.
    """

    fault: Status | HTMLError | Reset | CloseMidBody | TruncatedJSON | Trickle | Delay | Oversized | Redirect


Fault = (
    Status
    | HTMLError
    | Reset
    | CloseMidBody
    | TruncatedJSON
    | Trickle
    | Delay
    | Oversized
    | Redirect
    | AfterProcessing
)
