"""The `llamacloud-async` command: get one item, bulk-fetch many as JSON lines, or demo.

The commands live in `llamacloud_async._cli`; this module builds the parser and maps
what happens to an exit status.
"""

from __future__ import annotations

import argparse
import warnings

from ._cli.demo import demo, fault_rate
from ._cli.extract import extract
from ._cli.fetch import fetch
from ._cli.get import get
from ._cli.kinds import KIND_HELP, parse_kind
from ._cli.messages import USAGE_ERRORS, say
from ._cli.options import add_client_options, positive_int, seconds
from ._cli.output import OutputClosed, stdout_to_devnull
from ._cli.wait import wait
from ._errors import APIError
from ._polling import DEFAULT_POLLING_TIMEOUT
from ._runtime import run as run_event_loop
from ._version import __version__
from ._watch import DEFAULT_BATCH_SIZE
from .bulk import DEFAULT_CONCURRENCY
from .pipeline import DEFAULT_RUN_CONCURRENCY

EXIT_INTERRUPTED = 130
"""128 + SIGINT, as a shell reports a command stopped by Ctrl-C."""
EXIT_OUTPUT_CLOSED = 141
"""128 + SIGPIPE, as a shell reports `yes | head -1`."""

_DESCRIPTION = (
    "Get one LlamaCloud extraction item as JSON, bulk-fetch many as JSON lines, wait for many "
    "extract jobs, extract from many documents, or run a demo."
)

_EPILOG = f"""\
examples:
  llamacloud-async get run RUN_ID
  llamacloud-async fetch runs --ids run_ids.txt -o runs.jsonl
  llamacloud-async fetch runs --ids run_ids.txt -o runs.jsonl --resume
  llamacloud-async fetch results --ids - < job_ids.txt > results.jsonl
  llamacloud-async wait --ids extract_job_ids.txt -o finished.jsonl
  llamacloud-async extract invoices/ --schema invoice.schema.json -o rows.jsonl
  llamacloud-async extract invoices/ --schema invoice.schema.json -o rows.jsonl --resume
  llamacloud-async demo

kinds (singular or plural, for get and fetch):
  {KIND_HELP.replace("; ", chr(10) + "  ")}

environment:
  LLAMA_CLOUD_API_KEY   the API key
  LLAMA_CLOUD_BASE_URL  the API's root URL

exit status:
  0 every item succeeded (wait: every job COMPLETED), 1 an item failed (wait: a job
  ended otherwise, or the wait timed out), 2 bad input or usage,
  {EXIT_INTERRUPTED} interrupted, {EXIT_OUTPUT_CLOSED} stdout was closed early (as by head)
"""

_CONCURRENCY_HELP = (
    "requests in flight (default: %(default)s); the library's default, enough to hide network "
    "latency many times over while staying under the connection pool and typical per-key rate "
    "limits; when the server answers 429, the client's rate limiter paces every request"
)


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when `None`.

    Returns:
        The exit status (see `llamacloud-async --help`).
    """
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _main(argv)


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, *_: object
) -> None:
    """A warning (such as `InsecureBaseURLWarning`) as one line, like the errors."""
    say(f"warning: {message}")


def _main(argv: list[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        return int(run_event_loop(args.run(args)))
    except APIError as error:  # the API failed the command as a whole (a bulk fetch stopped)
        say(f"error: {error}")
        return 1
    except USAGE_ERRORS as error:
        say(f"error: {error}")
        return 2
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except OutputClosed:
        stdout_to_devnull()
        return EXIT_OUTPUT_CLOSED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llamacloud-async",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND", title="commands")

    get_command = commands.add_parser("get", help="get one item and print it as JSON")
    get_command.add_argument("kind", type=parse_kind, metavar="KIND", help=KIND_HELP)
    get_command.add_argument("id", metavar="ID", help="the job or run ID")
    add_client_options(get_command)
    get_command.set_defaults(run=get)

    fetch_command = commands.add_parser("fetch", help="fetch many IDs concurrently, one JSON line each")
    fetch_command.add_argument("kind", type=parse_kind, metavar="KIND", help=KIND_HELP)
    fetch_command.add_argument(
        "--ids", required=True, metavar="FILE", help="file of IDs, one per line, or - for stdin"
    )
    fetch_command.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the JSON lines here, flushed line by line (default: stdout)",
    )
    fetch_command.add_argument(
        "--resume",
        action="store_true",
        help="with -o: skip the IDs FILE already has a line for, drop a torn last line, and append",
    )
    fetch_command.add_argument(
        "--concurrency", type=positive_int, default=DEFAULT_CONCURRENCY, metavar="N", help=_CONCURRENCY_HELP
    )
    fetch_command.add_argument("--ordered", action="store_true", help="write lines in input order")
    fetch_command.add_argument(
        "--fail-fast", action="store_true", help="stop at the first failed ID, with its error, exit status 1"
    )
    fetch_command.add_argument(
        "--raw",
        action="store_true",
        help="write the server's JSON as it is, checked but not decoded into models: the fastest export",
    )
    fetch_command.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress line on stderr"
    )
    add_client_options(fetch_command)
    fetch_command.set_defaults(run=fetch)

    extract_command = commands.add_parser(
        "extract", help="upload documents, extract from each, one JSON line per document"
    )
    extract_command.add_argument("paths", nargs="+", metavar="PATH", help="documents, or directories of them")
    configuration = extract_command.add_mutually_exclusive_group(required=True)
    configuration.add_argument(
        "--schema",
        metavar="FILE",
        help="a JSON Schema of the fields to extract (or a whole configuration with a data_schema)",
    )
    configuration.add_argument("--configuration-id", metavar="ID", help="a saved extract configuration")
    extract_command.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="write the JSON lines here; the run's state goes beside it, in FILE.state.sqlite",
    )
    extract_command.add_argument(
        "--resume",
        action="store_true",
        help="continue a stopped run: nothing uploaded is uploaded again, no job is created twice",
    )
    extract_command.add_argument(
        "--concurrency",
        type=positive_int,
        default=DEFAULT_RUN_CONCURRENCY,
        metavar="N",
        help="uploads and job creations in flight (default: %(default)s); jobs run on the server "
        "meanwhile, watched together in batched polls",
    )
    extract_command.add_argument(
        "--polling-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="seconds between the first polls of each batch of jobs (default: %(default)s)",
    )
    extract_command.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress line on stderr"
    )
    add_client_options(extract_command, expand=False)
    extract_command.set_defaults(run=extract)
    wait_command = commands.add_parser(
        "wait", help="wait for many v2 extract jobs, one JSON line per job as it finishes"
    )
    wait_command.add_argument(
        "--ids", required=True, metavar="FILE", help="file of extract job IDs, one per line, or - for stdin"
    )
    wait_command.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the JSON lines here, flushed line by line (default: stdout)",
    )
    wait_command.add_argument(
        "--wait-timeout",
        type=seconds,
        default=DEFAULT_POLLING_TIMEOUT,
        metavar="SECONDS",
        help="seconds the whole wait may take (default: %(default)s)",
    )
    wait_command.add_argument(
        "--polling-interval",
        type=seconds,
        default=1.0,
        metavar="SECONDS",
        help="seconds between the first two polls (default: %(default)s)",
    )
    wait_command.add_argument(
        "--max-interval",
        type=seconds,
        default=5.0,
        metavar="SECONDS",
        help="the longest sleep between polls (default: %(default)s)",
    )
    wait_command.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        metavar="N",
        help="jobs asked about per request (default: %(default)s)",
    )
    add_client_options(wait_command)
    wait_command.set_defaults(run=wait)

    demo_command = commands.add_parser(
        "demo", help="bulk-fetch from a local fake LlamaCloud with injected faults (no key, no network)"
    )
    demo_command.add_argument(
        "--count", type=positive_int, default=10_000, metavar="N", help="runs to fetch (default: %(default)s)"
    )
    demo_command.add_argument(
        "--concurrency", type=positive_int, default=DEFAULT_CONCURRENCY, metavar="N", help=_CONCURRENCY_HELP
    )
    demo_command.add_argument(
        "--fault-rate",
        type=fault_rate,
        default=0.03,
        metavar="SHARE",
        help="share of requests given a transient fault (default: %(default)s)",
    )
    demo_command.set_defaults(run=demo)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
