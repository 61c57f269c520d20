"""Test helpers: ``FakeLlamaCloud``, a real local server with scripted faults.

Use it to test code built on this SDK without network access or an account.
"""

from ._faults import (
    CloseMidBody,
    Delay,
    Fault,
    HTMLError,
    Oversized,
    Redirect,
    Reset,
    Status,
    Trickle,
    TruncatedJSON,
)
from ._server import ROUTES, FakeLlamaCloud, RecordedRequest, Route

__all__ = [
    "ROUTES",
    "CloseMidBody",
    "Delay",
    "FakeLlamaCloud",
    "Fault",
    "HTMLError",
    "Oversized",
    "RecordedRequest",
    "Redirect",
    "Reset",
    "Route",
    "Status",
    "Trickle",
    "TruncatedJSON",
]
