"""The event loops this package owns run on uvloop when it is installed.

That is the sync client's private loop and the command line's; an async caller's loop is
the caller's choice (``uvloop.run(main())``). ``pip install 'llamacloud-async[uvloop]'``
installs it. In the benchmarks it made the sync client up to a sixth faster, by as
little as nothing in some runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new uvloop loop, or asyncio's when uvloop is not installed."""
    try:
        import uvloop
    except ImportError:
        pass
    else:
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop when it is installed.

    The coroutine runs outside the ``except ImportError`` block, so an error it raises
    is not chained to uvloop's absence.
    """
    try:
        import uvloop
    except ImportError:
        pass
    else:
        return uvloop.run(main)
    return asyncio.run(main)
