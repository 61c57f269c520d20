"""A one-line progress display on stderr for bulk fetches (``progress=True``)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .bulk import BulkProgress

_INTERVAL = 0.1


class ProgressLine:
    """Redraws ``done, failed, retries, rate`` in place, at most ten times a second."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._last = 0.0
        self._interactive = self._stream.isatty()

    def update(self, progress: BulkProgress) -> None:
        now = time.monotonic()
        if now - self._last < (_INTERVAL if self._interactive else 2.0):
            return
        self._last = now
        self._write(progress, final=False)

    def close(self, progress: BulkProgress) -> None:
        self._write(progress, final=True)

    def _write(self, progress: BulkProgress, *, final: bool) -> None:
        line = (
            f"{progress.done:,} done, {progress.failed:,} failed, {progress.retries:,} retries, "
            f"{progress.rate:,.0f}/s, concurrency {progress.concurrency}"
        )
        if self._interactive:
            self._stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
        else:
            self._stream.write(line + "\n")
        self._stream.flush()
