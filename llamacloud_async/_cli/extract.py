"""`extract`: documents in, one JSON line each out, resumable without double billing.

    llamacloud-async extract invoices/ --schema schema.json -o rows.jsonl [--resume]

Each document (a file, or every file under a directory) is uploaded, its job created and
waited for by `client.extract.run_many`; its line is written as its job ends:
`{"document": ..., "ok": true, "file_id": ..., "job_id": ..., "status": "COMPLETED",
"extract_result": {...}}`, or with `"ok": false` and an `error`. What was done for each
document is committed to `<output>.state.sqlite` as it happens (`_cli.state`), so
`--resume` continues a run stopped by Ctrl-C or a crash: no document is uploaded twice,
no job is created twice, and documents that have their line are skipped.

A failure that is not about one document (a wrong key, a server that cannot be reached)
stops the run with one error line and exit status 1; the documents not done have no
line, so `--resume` does them once the cause is fixed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import msgspec

from .._errors import APIError
from ..pipeline import DocumentResult, RunManyProgress
from .messages import USAGE_ERRORS, UsageError, count, error_fields, safe_text, say
from .options import new_client
from .output import open_lines, written_ids
from .state import RunState, state_path

_encode = msgspec.json.Encoder().encode


async def extract(args: argparse.Namespace) -> int:
    """Run `extract`.

    Args:
        args: The parsed command line.

    Returns:
        0 when every document's job completed, 1 when any failed or the run stopped
        (a failure not about one document: a wrong key, an unreachable server).

    Raises:
        UsageError: Bad options or paths, an unreadable schema, or a state file that
            does not fit (see `RunState`).
    """
    create = _configuration(args)
    paths = list(_files(args.paths))
    written: set[str] = written_ids(args.output, "document") if args.resume else set()
    fingerprint = json.dumps(create, sort_keys=True, separators=(",", ":"))
    state_file = state_path(args.output)
    lost_state = args.resume and not state_file.exists()  # find earlier uploads by their hash
    client = new_client(args)  # bad options (no API key) fail before a state file is made
    state = RunState(state_file, resume=args.resume, configuration=fingerprint)
    todo = sum(1 for path in paths if path not in written)
    started = time.monotonic()
    done = failed = 0
    stopped = False
    summary = True
    try:
        async with client:
            run = client.extract.run_many(
                state.documents(iter(paths), written),
                **create,
                organization_id=args.organization_id,
                project_id=args.project_id,
                concurrency=args.concurrency,
                polling_interval=args.polling_interval,
                max_interval=max(args.polling_interval, 5.0),
                on_event=state.record,
                reuse_uploads=lost_state,
            )
            run.progress.total = todo
            shown = asyncio.ensure_future(_show(run.progress, sys.stderr)) if args.progress else None
            try:
                with open_lines(args.output, append=args.resume) as lines:
                    async with run:
                        async for result in run:
                            lines.write(row(result))
                            state.done(result.document.path)
                            done, failed = (done + 1, failed) if result.ok else (done, failed + 1)
            finally:
                if shown is not None:
                    shown.cancel()
                    _draw(run.progress, sys.stderr, final=True)
    except APIError as error:  # not about one document: run_many stopped the run
        stopped = True
        say(f"error: {safe_text(str(error), 400)}; fix it, then run again with --resume for the rest")
    except USAGE_ERRORS:  # a bad option: nothing was done
        summary = False
        raise
    finally:
        state.close()
        if state.changed:
            say(f"warning: {count(state.changed, 'document')} changed since the earlier run: extracted anew")
        if summary:
            elapsed = time.monotonic() - started
            say(
                f"{count(done + failed, 'document')}, {done:,} ok, {failed:,} failed, "
                f"{len(paths) - todo:,} already in {args.output}, {elapsed:.1f}s"
            )
    return 1 if failed or stopped else 0


def row(result: DocumentResult) -> bytes:
    """The JSON line of one document's result, newline included."""
    job = result.job
    fields: dict[str, Any] = {
        "document": result.document.path,
        "ok": result.ok,
        "sha256": result.sha256,
        "file_id": result.file_id,
        "job_id": result.job_id,
        "status": job.status if job is not None else None,
        "extract_result": job.extract_result if job is not None else None,
    }
    if result.error is not None:
        fields["error"] = error_fields(result.error)
    elif not result.ok and job is not None:
        message = job.error_message or f"the job ended {job.status}"
        fields["error"] = {"type": "JobFailed", "message": safe_text(message)}
    return _encode(fields) + b"\n"


def _configuration(args: argparse.Namespace) -> dict[str, Any]:
    """`configuration` (from `--schema`) or `configuration_id`, for `run_many`."""
    if args.configuration_id is not None:
        return {"configuration_id": args.configuration_id}
    try:
        loaded: object = json.loads(Path(args.schema).read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read the schema {args.schema}: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"the schema {args.schema} is not valid JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"the schema {args.schema} must be a JSON object")
    document: dict[str, Any] = loaded  # pyright: ignore[reportUnknownVariableType]
    configuration = document if "data_schema" in document else {"data_schema": document}
    return {"configuration": configuration}


def _files(arguments: list[str]) -> Iterator[str]:
    """Every document the PATH arguments name: files, and the files under directories
    (sorted, hidden ones skipped), each once."""
    seen: set[str] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found = [path]
        else:
            raise UsageError(f"no such file or directory: {argument}")
        for file in found:
            name = str(file)
            if name not in seen:
                seen.add(name)
                yield name


async def _show(progress: RunManyProgress, stream: TextIO) -> None:
    """Redraw the progress line until cancelled: in place on a terminal, else a line
    every few seconds."""
    interval = 0.2 if stream.isatty() else 5.0
    while True:
        await asyncio.sleep(interval)
        _draw(progress, stream, final=False)


def _draw(progress: RunManyProgress, stream: TextIO, *, final: bool) -> None:
    line = progress.describe()
    if stream.isatty():
        stream.write("\r\x1b[2K" + line + ("\n" if final else ""))
    else:
        stream.write(line + "\n")
    stream.flush()
