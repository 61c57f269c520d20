"""Documents in, results out: the values of ``client.extract.run_many``.

``run_many`` takes documents (paths, or ``Document`` values that carry what an earlier
run already did) and yields one ``DocumentResult`` per document as each finishes:

```python
async for result in client.extract.run_many(paths, configuration={"data_schema": schema}):
    if result.ok:
        print(result.document.path, result.unwrap().extract_result)
    else:
        print(result.document.path, "failed:", result.error or result.job)
```

``on_event`` sees each step as it happens (``DocumentEvent``: hashed, uploaded, job
created), so a caller can record it and hand it back as a ``Document`` on a later run:
that document is then not uploaded again, and its job is not created again.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final, Literal, cast

from ._errors import LlamaCloudError
from .types import ExtractJobStatus, ExtractV2Job

__all__ = [
    "DEFAULT_MAX_PENDING",
    "DEFAULT_RUN_CONCURRENCY",
    "Document",
    "DocumentEvent",
    "DocumentFailedError",
    "DocumentResult",
    "RunManyProgress",
]

DEFAULT_RUN_CONCURRENCY: Final = 8
"""Uploads and job creations in flight at once."""

DEFAULT_MAX_PENDING: Final = 500
"""Documents started and not yet handed to the caller: what bounds memory, and how
many jobs run on the server at once."""

EventKind = Literal["hashed", "uploaded", "created"]


@dataclass(frozen=True)
class Document:
    """One document to extract from, with what an earlier run already did for it.

    Args:
        path: The file to read.
        sha256: Its content's SHA-256 (hex), when already known.
        file_id: The file it was uploaded as: it is not uploaded again.
        job_id: The job created for it: no other is created, that one is waited for.
        may_be_uploaded: An earlier run may have uploaded it without recording the file
            (it stopped mid-upload): look for a file with its hash as
            ``external_file_id`` before uploading.
    """

    path: str
    sha256: str | None = None
    file_id: str | None = None
    job_id: str | None = None
    may_be_uploaded: bool = False

    @classmethod
    def of(cls, item: str | os.PathLike[str] | Document) -> Document:
        """``item`` as a ``Document``: a path becomes one that nothing was done for yet."""
        if isinstance(item, Document):
            return item
        if isinstance(cast(object, item), (str, os.PathLike)):
            return cls(os.fspath(item))
        raise TypeError(f"a document is a path or a Document, not {type(item).__name__}")


@dataclass(frozen=True)
class DocumentEvent:
    """A step done for a document: its content ``hashed``, the file ``uploaded`` (or an
    earlier upload of the same content found), its job ``created``."""

    kind: EventKind
    document: Document
    sha256: str
    file_id: str | None = None
    job_id: str | None = None


@dataclass(frozen=True)
class DocumentResult:
    """What became of one document: its file and job, and the job as it ended or the
    error that stopped it first."""

    document: Document
    sha256: str | None
    file_id: str | None
    job_id: str | None
    job: ExtractV2Job | None
    """The job in its terminal state (``COMPLETED``, ``FAILED``, ``CANCELLED``)."""
    error: Exception | None
    """Why there is no terminal job: the document could not be read, uploaded or its
    job created or waited for."""

    @property
    def ok(self) -> bool:
        """Whether the job completed."""
        return self.error is None and self.job is not None and self.job.status == ExtractJobStatus.COMPLETED

    def unwrap(self) -> ExtractV2Job:
        """The completed job; else raise the error, or ``DocumentFailedError``."""
        if self.error is not None:
            raise self.error
        if self.job is None or self.job.status != ExtractJobStatus.COMPLETED:
            status = self.job.status if self.job is not None else "unknown"
            detail = getattr(self.job, "error_message", None)
            raise DocumentFailedError(
                f"the job for {self.document.path} ended {status}" + (f": {detail}" if detail else ""),
                result=self,
            )
        return self.job


class DocumentFailedError(LlamaCloudError):
    """A document's job ended in a state other than ``COMPLETED``; ``result`` holds it."""

    def __init__(self, message: str, *, result: DocumentResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class RunManyProgress:
    """Counts of a ``run_many`` so far, for a progress display."""

    total: int | None = None
    """How many documents there are, when known (a list of them, not an iterator)."""
    uploaded: int = 0
    """Documents whose file is on the server (uploaded now, or found from before)."""
    running: int = 0
    """Jobs created and not yet finished."""
    done: int = 0
    """Documents whose job completed."""
    failed: int = 0
    """Documents that failed: their job, or a step before it."""
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> int:
        """Documents done or failed."""
        return self.done + self.failed

    @property
    def eta(self) -> timedelta | None:
        """The time left at the rate so far, when ``total`` is known and some finished."""
        if self.total is None or not self.finished:
            return None
        elapsed = time.monotonic() - self.started
        left = max(0, self.total - self.finished)
        return timedelta(seconds=round(elapsed / self.finished * left))

    def describe(self) -> str:
        """``120/1,000 uploaded, 80 running, 30 done, 2 failed, ETA 0:01:10``."""
        total = f"/{self.total:,}" if self.total is not None else ""
        text = (
            f"{self.uploaded:,}{total} uploaded, {self.running:,} running, "
            f"{self.done:,} done, {self.failed:,} failed"
        )
        eta = self.eta
        return text + (f", ETA {eta}" if eta is not None and self.finished < (self.total or 0) else "")
