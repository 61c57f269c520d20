"""`wait`: wait for many v2 extract jobs, one JSON line per job as it finishes."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from .._errors import APIError, PollingTimeoutError
from ..types.extract_v2_job import ExtractJobStatus
from .fetch import Summary, open_ids, read_ids
from .lines import job_line
from .messages import USAGE_ERRORS, count, safe_text, say
from .options import new_client
from .output import open_lines


@dataclass
class Finished:
    """Counts for the line printed when a wait ends, however it ends."""

    statuses: Counter[str] = field(default_factory=Counter[str])
    started: float = field(default_factory=time.monotonic)

    def text(self, blank: int, pending: int) -> str:
        """The summary line.

        Args:
            blank: Blank lines skipped in the IDs file.
            pending: Jobs not finished when the wait ended.

        Returns:
            As `3 finished (2 COMPLETED, 1 FAILED), 0 unfinished, 0 blank lines skipped, 4.2s`.
        """
        total = sum(self.statuses.values())
        counts = ", ".join(f"{count:,} {status}" for status, count in sorted(self.statuses.items()))
        elapsed = time.monotonic() - self.started
        return (
            f"{total:,} finished ({counts or 'none'}), {pending:,} unfinished, "
            f"{count(blank, 'blank line')} skipped, {elapsed:.1f}s"
        )


async def wait(args: argparse.Namespace) -> int:
    """Run `wait`.

    Args:
        args: The parsed command line.

    Returns:
        0 when every job COMPLETED; 1 when any ended otherwise, the wait timed out or a
        request failed (the error is on stderr).

    Raises:
        UsageError: An unreadable IDs file or output file.
        ValueError: A malformed ID or option (exit status 2).
        OutputClosed: Stdout's reader went away.
    """
    blank = Summary()
    with open_ids(args.ids) as stream:
        ids = list(read_ids(stream, args.ids, blank))
    finished = Finished()
    unfinished = dict.fromkeys(ids)  # in the IDs file's order
    summary = True
    try:
        async with new_client(args) as client:
            watcher = client.extract.wait_many(
                ids,
                organization_id=args.organization_id,
                project_id=args.project_id,
                polling_interval=args.polling_interval,
                max_interval=args.max_interval,
                timeout=args.wait_timeout,
                expand=args.expand,
                batch_size=args.batch_size,
            )
            with open_lines(args.output, append=False) as lines:
                async with watcher:
                    async for job in watcher:
                        lines.write(job_line(job.id, job, ok=job.status == ExtractJobStatus.COMPLETED))
                        finished.statuses[job.status] += 1
                        unfinished.pop(job.id, None)
    except (APIError, PollingTimeoutError) as error:
        say(f"error: {error}")
        return 1
    except USAGE_ERRORS:  # a malformed ID, no API key: nothing was waited for
        summary = False
        raise
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C: asyncio.run cancels the wait
        if unfinished:
            say(f"unfinished: {safe_text(_first(list(unfinished)))}")
        raise
    finally:
        if summary:
            say(finished.text(blank.blank, len(unfinished)))
    return 0 if set(finished.statuses) <= {ExtractJobStatus.COMPLETED} else 1


def _first(ids: list[str], shown: int = 10) -> str:
    """`a, b, c` or `a, b, … and 98 more`: the first `shown` of `ids`, for one line."""
    text = ", ".join(ids[:shown])
    return f"{text}, … and {len(ids) - shown:,} more" if len(ids) > shown else text
