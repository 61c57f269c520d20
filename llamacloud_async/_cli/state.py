"""The state of an `extract` run, in an SQLite file beside its output.

One row per document: its content hash once hashed, its file ID once uploaded, its job
ID once created, `done` once its line is written. Each step is committed as it happens
(WAL mode), before the next request goes out, so after Ctrl-C or a crash `--resume`
knows, for every document, the last step the server may have seen:

    state of a document          what --resume does
    no row                       upload it
    hashed, no file ID           look for its upload by external_file_id (its hash), else upload
    file ID, no job ID           create its job: the same Idempotency-Key, so the same job
    job ID                       wait for that job
    a line in the output         nothing

A document not done whose content changed since its hash was recorded starts over (its
row is cleared first): the file and job recorded were for other content.

The run's configuration is stored too: resuming with another one is refused, since its
jobs would extract something else.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from .._run_many import content_sha256
from ..pipeline import Document, DocumentEvent
from .messages import UsageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    file_id TEXT,
    job_id TEXT,
    done INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS run (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def state_path(output: str) -> Path:
    """Where the state of a run writing `output` is kept: `<output>.state.sqlite`."""
    return Path(output + ".state.sqlite")


class RunState:
    """The documents of one run and what was done for each, committed step by step."""

    def __init__(self, path: Path, *, resume: bool, configuration: str) -> None:
        """Open (`resume`) or create the state at `path` for a run with `configuration`.

        Raises:
            UsageError: Not resuming but a state exists (its jobs would be made again),
                or resuming with another configuration.
        """
        if path.exists() and not resume:
            raise UsageError(
                f"{path} holds the state of an earlier run: pass --resume to continue it "
                "(nothing done is done again), or delete it and the output to start over"
            )
        self.path = path
        self.changed = 0
        """Documents begun before whose content has changed since: started over."""
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM run WHERE key = 'configuration'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO run VALUES ('configuration', ?)", (configuration,))
        elif row[0] != configuration:
            raise UsageError(
                f"{path} is the state of a run with another --schema or --configuration-id; "
                "resume it with the same one, or use another output file"
            )

    async def documents(self, paths: Iterator[str], written: set[str]) -> AsyncIterator[Document]:
        """The documents of `paths` still to do, each with what was done for it before.

        A document begun before is hashed again (in a thread): when its content changed,
        its row is cleared and it starts over, counted in `changed`.

        Args:
            paths: Every document of the run, in order.
            written: The documents the output already has a line for: skipped.
        """
        for path in paths:
            if path in written:
                continue
            row = self._db.execute(
                "SELECT sha256, file_id, job_id FROM documents WHERE path = ?", (path,)
            ).fetchone()
            if row is None:
                yield Document(path)
                continue
            sha256, file_id, job_id = row
            if sha256 is not None and not await _same_content(path, sha256):
                self._db.execute(
                    "UPDATE documents SET sha256 = NULL, file_id = NULL, job_id = NULL WHERE path = ?",
                    (path,),
                )
                self.changed += 1
                yield Document(path)
                continue
            yield Document(
                path, sha256=sha256, file_id=file_id, job_id=job_id, may_be_uploaded=file_id is None
            )

    def record(self, event: DocumentEvent) -> None:
        """Commit one step of a document (an `on_event` of `run_many`)."""
        path = event.document.path
        if event.kind == "hashed":
            self._db.execute(
                "INSERT INTO documents (path, sha256) VALUES (?, ?) "
                "ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256",
                (path, event.sha256),
            )
        elif event.kind == "uploaded":
            self._db.execute("UPDATE documents SET file_id = ? WHERE path = ?", (event.file_id, path))
        else:
            self._db.execute("UPDATE documents SET job_id = ? WHERE path = ?", (event.job_id, path))

    def done(self, path: str) -> None:
        """Mark a document whose line was written."""
        self._db.execute("UPDATE documents SET done = 1 WHERE path = ?", (path,))

    def close(self) -> None:
        """Close the database."""
        self._db.close()


async def _same_content(path: str, sha256: str) -> bool:
    """Whether the file at `path` still hashes to `sha256` (an unreadable one is left to
    the run: a job already created does not need it)."""
    try:
        return await asyncio.to_thread(content_sha256, path) == sha256
    except OSError:
        return True
