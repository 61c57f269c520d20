"""Where the JSON lines go: stdout, or a file written line by line that `--resume` continues."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Generator
from typing import IO

import msgspec

from .messages import UsageError, say


class OutputClosed(Exception):
    """The reader of stdout went away (a broken pipe, as after `| head -1`)."""


class Lines:
    """Writes whole lines to a stream; a file is flushed after each line.

    Flushing each line keeps a file's content whole lines whenever the process stops,
    but for at most a torn last one after a hard kill, which `--resume` drops.
    """

    def __init__(self, stream: IO[bytes], *, flush_each: bool) -> None:
        self._stream = stream
        self._flush_each = flush_each

    def write(self, line: bytes) -> None:
        """Write one line.

        Args:
            line: The line, newline included.

        Raises:
            OutputClosed: The stream is a pipe whose reader has gone.
        """
        try:
            self._stream.write(line)
            if self._flush_each:
                self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        """Flush what is buffered.

        Raises:
            OutputClosed: The stream is a pipe whose reader has gone.
        """
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None


@contextlib.contextmanager
def open_lines(path: str | None, *, append: bool) -> Generator[Lines, None, None]:
    """Lines to stdout (`path` is `None`) or to a file, closed on exit.

    Args:
        path: The output file, or `None` for stdout.
        append: Add to the file instead of replacing it.

    Yields:
        The writer.

    Raises:
        UsageError: The file cannot be opened.
    """
    if path is None:
        lines = Lines(sys.stdout.buffer, flush_each=False)
        yield lines
        lines.flush()
        return
    try:
        stream = open(path, "ab" if append else "wb")  # noqa: SIM115 - closed right below
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    with stream:
        yield Lines(stream, flush_each=True)


def write_stdout(data: bytes) -> None:
    """Write `data` to stdout and flush it.

    Args:
        data: The bytes to write.

    Raises:
        OutputClosed: Stdout is a pipe whose reader has gone.
    """
    lines = Lines(sys.stdout.buffer, flush_each=True)
    lines.write(data)


def stdout_to_devnull() -> None:
    """Point stdout at the null device, so that the flush at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class _Written(msgspec.Struct):
    id: str


class _WrittenDocument(msgspec.Struct):
    document: str


_decoders = {
    "id": msgspec.json.Decoder(_Written).decode,
    "document": msgspec.json.Decoder(_WrittenDocument).decode,
}


def written_ids(path: str, key: str = "id") -> set[str]:
    """The IDs that already have a line in the JSON-lines file `path`, ready to append to.

    A last line that is not valid JSON (torn by a hard kill) is cut off, so its ID is
    fetched again; a whole last line without its newline gets one. A missing file has
    no IDs.

    Args:
        path: The output file of an earlier `fetch` (or `extract`, with `key` "document").
        key: The field of each line that holds its ID.

    Returns:
        The IDs of its lines, failed ones included.

    Raises:
        UsageError: The file cannot be read, or a line before the last is not a line
            that `fetch` writes (then the file is left as it is).
    """
    try:
        stream = open(path, "r+b")  # noqa: SIM115 - closed right below
    except FileNotFoundError:
        return set()
    except OSError as error:
        raise UsageError(f"cannot resume {path}: {error.strerror}") from None
    with stream:
        ids: set[str] = set()
        valid_end = 0
        torn: tuple[int, str] | None = None
        last = b"\n"
        for number, line in enumerate(stream, start=1):
            if torn is not None:
                raise UsageError(
                    f"{path}:{torn[0]}: {torn[1]}; this is not a line fetch writes, so the file "
                    "cannot be resumed"
                )
            try:
                written = _decoders[key](line)
                ids.add(written.id if isinstance(written, _Written) else written.document)
            except msgspec.DecodeError as exc:
                torn = (number, str(exc))
                continue
            valid_end += len(line)
            last = line
        if torn is not None:
            stream.truncate(valid_end)
            say(f"{path}:{torn[0]}: dropped an incomplete last line; its ID is fetched again")
        elif not last.endswith(b"\n"):
            stream.seek(valid_end)
            stream.write(b"\n")
    return ids
