"""Test helpers: ``FakeLlamaCloud``, a real local server with scripted faults.

Use it to test code built on this SDK without network access or an account.
"""

from ._faults import (
    AfterProcessing,
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
from ._results import result_for
from ._routes import ROUTES, Route
from ._server import FakeLlamaCloud, RecordedRequest
from ._store import JobRequest, ManualClock

__all__ = [
    "ROUTES",
    "AfterProcessing",
    "CloseMidBody",
    "Delay",
    "FakeLlamaCloud",
    "Fault",
    "HTMLError",
    "JobRequest",
    "ManualClock",
    "Oversized",
    "RecordedRequest",
    "Redirect",
    "Reset",
    "Route",
    "Status",
    "Trickle",
    "TruncatedJSON",
    "result_for",
]
