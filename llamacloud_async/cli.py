"""The ``llamacloud-async`` command: get one item, bulk-fetch many as JSON lines, or demo.

    llamacloud-async get run RUN_ID
    llamacloud-async fetch runs --ids ids.txt -o runs.jsonl --concurrency 64
    llamacloud-async demo

Exit status: 0 when everything succeeded, 1 when any ID failed, 2 for bad input or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import IO, Any

import msgspec

from ._client import AsyncLlamaCloud
from ._errors import APIError, APIStatusError, LlamaCloudError
from ._response import RawResponse
from ._runtime import run as run_event_loop
from .bulk import DEFAULT_CONCURRENCY, BulkFetch, BulkProgress, BulkResult

GET_KINDS = ("extract", "run", "run-by-job", "result")
FETCH_KINDS = ("extract", "runs", "runs-by-job", "results")


class UsageError(Exception):
    """Bad input: reported on one line, exit status 2."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(run_event_loop(args.run(args)))
    except (UsageError, LlamaCloudError, ValueError) as error:
        print(f"llamacloud-async: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("llamacloud-async: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llamacloud-async", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    get = commands.add_parser("get", help="get one item and print it as JSON")
    get.add_argument("kind", choices=GET_KINDS)
    get.add_argument("id", help="the job or run ID")
    _add_client_options(get)
    get.set_defaults(run=_get)

    fetch = commands.add_parser("fetch", help="fetch many IDs concurrently, one JSON line each")
    fetch.add_argument("kind", choices=FETCH_KINDS)
    fetch.add_argument(
        "--ids", required=True, metavar="FILE", help="file of IDs, one per line, or - for stdin"
    )
    fetch.add_argument("-o", "--output", metavar="FILE", help="write JSON lines here instead of stdout")
    fetch.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="requests in flight")
    fetch.add_argument("--ordered", action="store_true", help="write lines in input order")
    fetch.add_argument(
        "--raw", action="store_true", help="write the server's bytes as they are, without decoding"
    )
    fetch.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress line on stderr"
    )
    _add_client_options(fetch)
    fetch.set_defaults(run=_fetch)

    demo = commands.add_parser("demo", help="bulk-fetch from a local fake LlamaCloud with injected faults")
    demo.add_argument("--count", type=int, default=10_000, help="runs to fetch")
    demo.add_argument("--concurrency", type=int, default=64, help="requests in flight")
    demo.add_argument(
        "--fault-rate", type=float, default=0.03, help="share of requests given a transient fault"
    )
    demo.set_defaults(run=_demo)
    return parser


def _add_client_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("client")
    group.add_argument("--api-key", help="defaults to $LLAMA_CLOUD_API_KEY")
    group.add_argument("--base-url", help="defaults to $LLAMA_CLOUD_BASE_URL or the LlamaCloud API")
    group.add_argument("--timeout", type=float, default=60.0, help="seconds per attempt")
    group.add_argument("--max-retries", type=int, default=2)
    group.add_argument("--project-id")
    group.add_argument("--organization-id")
    group.add_argument(
        "--expand", action="append", help="with extract: configuration, extract_metadata, usage"
    )


def _client(args: argparse.Namespace) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(
        api_key=args.api_key, base_url=args.base_url, timeout=args.timeout, max_retries=args.max_retries
    )


def _scope(args: argparse.Namespace, kind: str) -> dict[str, Any]:
    scope: dict[str, Any] = {"organization_id": args.organization_id, "project_id": args.project_id}
    if args.expand:
        if kind != "extract":
            raise UsageError("--expand only applies to extract")
        scope["expand"] = args.expand
    return scope


async def _get(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        methods: dict[str, Callable[..., Any]] = {
            "extract": client.extract.get,
            "run": client.extraction.runs.get,
            "run-by-job": client.extraction.runs.get_by_job,
            "result": client.extraction.jobs.get_result,
        }
        try:
            value = await methods[args.kind](args.id, **_scope(args, args.kind))
        except APIError as error:
            print(f"llamacloud-async: {error}", file=sys.stderr)
            return 1
    sys.stdout.buffer.write(msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")
    return 0


@dataclass
class _Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0


async def _fetch(args: argparse.Namespace) -> int:
    summary = _Summary()
    ids = _read_ids(args.ids, summary)
    started = time.monotonic()
    async with _client(args) as client:
        resources: dict[str, Any] = {
            "extract": client.extract,
            "runs": client.extraction.runs,
            "runs-by-job": client.extraction.runs,
            "results": client.extraction.jobs,
        }
        resource = resources[args.kind]
        if args.raw:
            resource = resource.with_raw_response
        method_name = {"runs-by-job": "get_many_by_job", "results": "get_results"}.get(args.kind, "get_many")
        fetch: BulkFetch[Any] = getattr(resource, method_name)(
            ids,
            concurrency=args.concurrency,
            ordered=args.ordered,
            progress=args.progress,
            **_scope(args, args.kind),
        )
        with _output(args.output) as out:
            async with fetch:
                async for result in fetch:
                    out.write(_line(result))
                    if result.ok:
                        summary.ok += 1
                    else:
                        summary.failed += 1
    elapsed = time.monotonic() - started
    total = summary.ok + summary.failed
    print(
        f"{total:,} fetched, {summary.ok:,} ok, {summary.failed:,} failed, "
        f"{summary.skipped:,} blank lines skipped, {elapsed:.1f}s ({total / max(elapsed, 1e-9):,.0f}/s)",
        file=sys.stderr,
    )
    return 1 if summary.failed else 0


def _read_ids(path: str, summary: _Summary) -> Iterator[str]:
    """IDs from a file (or stdin), lazily; blank lines are skipped and counted."""
    if path != "-":
        try:
            stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the generator below
        except OSError as error:
            raise UsageError(f"cannot read IDs from {path}: {error.strerror}") from None
    else:
        stream = sys.stdin.buffer

    def lines() -> Iterator[str]:
        try:
            for number, raw in enumerate(stream, start=1):
                try:
                    text = raw.decode("utf-8").strip()
                except UnicodeDecodeError:
                    raise UsageError(f"{path}:{number}: the ID is not valid UTF-8") from None
                if not text:
                    summary.skipped += 1
                    continue
                yield text
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    return lines()


@contextlib.contextmanager
def _output(path: str | None) -> Generator[IO[bytes], None, None]:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        stream = open(path, "wb")  # noqa: SIM115 - closed right below
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    with stream:
        yield stream


_encode = msgspec.json.Encoder().encode


def _line(result: BulkResult[Any]) -> bytes:
    """One JSON line: ``{"id", "ok", "data"}`` or ``{"id", "ok", "error"}``."""
    if result.error is not None:
        return _encode({"id": result.id, "ok": False, "error": _error_fields(result.error)}) + b"\n"
    value = result.value
    if isinstance(value, RawResponse):
        content = value.content.strip()
        if b"\n" in content:
            content = msgspec.json.format(content, indent=0)
        return b'{"id":' + _encode(result.id) + b',"ok":true,"data":' + content + b"}\n"
    return _encode({"id": result.id, "ok": True, "data": value}) + b"\n"


def _error_fields(error: Exception) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, APIStatusError):
        fields["status_code"] = error.status_code
        fields["request_id"] = error.request_id
    return fields


async def _demo(args: argparse.Namespace) -> int:
    from .testing import FakeLlamaCloud

    if args.count < 1 or args.concurrency < 1 or not 0 <= args.fault_rate < 1:
        raise UsageError("--count and --concurrency must be positive, --fault-rate in [0, 1)")
    print(
        f"Starting a fake LlamaCloud on 127.0.0.1 with {args.fault_rate:.0%} transient faults "
        f"(503, 429, resets, cut-off bodies); fetching {args.count:,} runs, {args.concurrency} at a time.",
        file=sys.stderr,
    )
    snapshots: list[BulkProgress] = []
    with FakeLlamaCloud(fault_rate=args.fault_rate, seed=2026, record=False).serve_in_thread() as fake:
        async with AsyncLlamaCloud(api_key="demo", base_url=fake.base_url, max_retries=5) as client:
            ok = failed = 0
            run_ids = (f"run-{i:06d}" for i in range(args.count))
            async for result in client.extraction.runs.get_many(
                run_ids, concurrency=args.concurrency, progress=True, on_progress=snapshots.append
            ):
                if result.ok:
                    ok += 1
                else:
                    failed += 1
    last = snapshots[-1]
    print(
        f"\nDemo done: {ok:,} ok, {failed:,} failed, {last.retries:,} retries "
        f"({last.rate_limited:,} after a 429), {last.elapsed:.1f}s, {last.rate:,.0f} requests/s.",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
