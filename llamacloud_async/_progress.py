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
        line = describe(progress)
        if self._interactive:
            self._stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
        else:
            self._stream.write(line + "\n")
        self._stream.flush()


def describe(progress: BulkProgress) -> str:
    """``1,200/5,000 (24%) done, 3 failed, 9 retries, 380/s, ETA 0:00:10, server limit ~380/s``."""
    done = f"{progress.done:,}"
    if progress.total is not None:
        done += f"/{progress.total:,} ({progress.percent or 0:.0f}%)"
    line = f"{done} done, {progress.failed:,} failed, {progress.retries:,} retries, {progress.rate:,.0f}/s"
    if progress.eta is not None and progress.done < (progress.total or 0):
        line += f", ETA {progress.eta}"
    if progress.server_limit is not None:
        line += f", server limit ~{progress.server_limit:,.0f}/s"
    return line
