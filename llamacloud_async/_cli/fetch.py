"""`fetch`: many IDs concurrently through a bulk method, one JSON line each."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .._errors import APIError
from ..bulk import BulkFetch
from .kinds import Kind
from .lines import encode_result
from .messages import UsageError, count, say
from .options import new_client, request_scope
from .output import Lines, open_lines, written_ids


@dataclass
class Summary:
    """Counts for the line printed when a fetch ends, however it ends."""

    ok: int = 0
    failed: int = 0
    blank: int = 0
    already: int | None = None
    """IDs skipped because the output file has them (`--resume` only)."""
    started: float = field(default_factory=time.monotonic)

    def count(self, error: Exception | None) -> None:
        """Count one line written.

        Args:
            error: The error it reports, or `None`.
        """
        if error is None:
            self.ok += 1
        else:
            self.failed += 1

    def text(self, output: str | None) -> str:
        """The summary line.

        Args:
            output: The output file, named when IDs were skipped for being in it.

        Returns:
            As `4 fetched, 3 ok, 1 failed, 0 blank lines skipped, 0.1s (40/s)`.
        """
        elapsed = time.monotonic() - self.started
        total = self.ok + self.failed
        blank = count(self.blank, "blank line")
        text = f"{total:,} fetched, {self.ok:,} ok, {self.failed:,} failed, {blank} skipped"
        if self.already is not None:
            text += f", {self.already:,} already in {output}"
        return text + f", {elapsed:.1f}s ({total / max(elapsed, 1e-9):,.0f}/s)"


async def fetch(args: argparse.Namespace) -> int:
    """Run `fetch`.

    Args:
        args: The parsed command line.

    Returns:
        0 when every ID succeeded, 1 when any failed.

    Raises:
        UsageError: Bad options, an unreadable IDs file or an output file that cannot
            be resumed.
        OutputClosed: Stdout's reader went away.
    """
    kind: Kind = args.kind
    if args.resume and args.output is None:
        raise UsageError("--resume needs -o FILE")
    if not args.resume and _has_lines(args.output):
        raise UsageError(f"{args.output} already has lines: pass --resume to continue it, or remove it first")
    scope = request_scope(args, kind)
    summary = Summary()
    with open_ids(args.ids) as stream:
        ids = read_ids(stream, args.ids, summary)
        if args.resume:
            ids = _not_written(ids, written_ids(args.output), summary)
        return await _fetch(args, kind, scope, ids, summary)


def _has_lines(path: str | None) -> bool:
    """Whether `path` is a file with something in it (a fetch would replace it)."""
    if path is None:
        return False
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


async def _fetch(
    args: argparse.Namespace, kind: Kind, scope: dict[str, Any], ids: Iterator[str], summary: Summary
) -> int:
    """Fetch `ids` and write their lines; print the summary however it ends."""
    try:
        async with new_client(args) as client:
            bulk = kind.get_many(client, raw=args.raw)(
                ids,
                concurrency=args.concurrency,
                ordered=args.ordered,
                fail_fast=args.fail_fast,
                **_progress_options(args),
                **scope,
            )
            with open_lines(args.output, append=args.resume) as lines:
                await _export(bulk, lines, summary, fail_fast=args.fail_fast)
    except (APIError, ValueError) as error:
        if not args.fail_fast:
            raise
        summary.failed += 1
        say(f"error: {error}")
    finally:
        say(summary.text(args.output))
    return 1 if summary.failed else 0


def _progress_options(args: argparse.Namespace) -> dict[str, Any]:
    """How the bulk method reports progress: its own line on stderr.

    IDs from a file (not stdin) could be counted before the fetch to give that line a
    total; this is where it would be passed once the bulk methods take one.
    """
    return {"progress": args.progress}


async def _export(bulk: BulkFetch[Any], lines: Lines, summary: Summary, *, fail_fast: bool) -> None:
    """Write a line per result. Under `fail_fast` the bulk method raises the first
    failure itself; a raw body that is not one JSON object is raised here likewise."""
    async with bulk:
        async for result in bulk:
            line, error = encode_result(result)
            if error is not None and fail_fast:
                raise error
            lines.write(line)
            summary.count(error)


@contextlib.contextmanager
def open_ids(path: str) -> Generator[IO[bytes], None, None]:
    """The IDs file (or stdin for `-`), opened now and closed on exit; stdin stays open.

    Args:
        path: The file, or `-`.

    Yields:
        The byte stream.

    Raises:
        UsageError: The file cannot be opened.
    """
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed right below
    except OSError as error:
        raise UsageError(f"cannot read IDs from {path}: {error.strerror}") from None
    with stream:
        yield stream


def read_ids(stream: Iterable[bytes], path: str, summary: Summary) -> Iterator[str]:
    """IDs from a stream, read lazily; blank lines are skipped and counted.

    Args:
        stream: The IDs file's lines.
        path: Its name, for messages.
        summary: Where blank lines are counted.

    Yields:
        The IDs, one per non-blank line, stripped.

    Raises:
        UsageError: A line is not UTF-8.
    """
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise UsageError(f"{path}:{number}: the ID is not valid UTF-8") from None
        if not text:
            summary.blank += 1
            continue
        yield text


def _not_written(ids: Iterator[str], written: set[str], summary: Summary) -> Iterator[str]:
    summary.already = 0
    for id_ in ids:
        if id_ in written:
            summary.already += 1
        else:
            yield id_
