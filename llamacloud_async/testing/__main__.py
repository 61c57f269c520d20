"""``python -m llamacloud_async.testing --port N``: run FakeLlamaCloud until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from ._server import FakeLlamaCloud


async def _serve(args: argparse.Namespace) -> None:
    fake = FakeLlamaCloud(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        unknown_ids=args.unknown_ids,
        rows=args.rows,
        per_table_row=args.per_table_row,
        fault_rate=args.fault_rate,
        rate_limit=args.rate_limit,
        burst=args.burst,
        retry_after=not args.bare_429,
        latency=args.latency,
        seed=args.seed,
        job_duration=args.job_duration,
        failure_rate=args.failure_rate,
        record=False,
    )
    async with fake:
        print(f"FakeLlamaCloud listening on {fake.base_url}", flush=True)
        await asyncio.Event().wait()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m llamacloud_async.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8787, help="port to listen on (default: %(default)s)")
    parser.add_argument("--api-key", help="answer 401 unless a request carries 'Bearer <key>'")
    parser.add_argument(
        "--unknown-ids",
        choices=["generate", "404"],
        default="generate",
        help="answer unknown IDs with a generated body (default) or 404",
    )
    parser.add_argument("--rows", type=int, default=3, help="line items per generated document")
    parser.add_argument("--per-table-row", action="store_true", help="v2 jobs carry one result per table row")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests given a transient fault"
    )
    parser.add_argument("--rate-limit", type=float, help="requests per second accepted; beyond it, 429")
    parser.add_argument("--burst", type=float, help="token bucket size (full at start)")
    parser.add_argument("--bare-429", action="store_true", help="rate-limit 429s carry no retry-after-ms")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added before every answer")
    parser.add_argument(
        "--job-duration", type=float, default=0.0, help="seconds from a job's creation to its outcome"
    )
    parser.add_argument("--failure-rate", type=float, default=0.0, help="share of created jobs that fail")
    parser.add_argument("--seed", type=int, help="seed for random faults and job failures")
    return parser


def main() -> None:
    """Parse the command line and serve until interrupted."""
    parser = _parser()
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(_serve(args))
        except OSError as error:  # the port is taken, or the host is not this machine's
            parser.exit(1, f"{parser.prog}: cannot listen on {args.host}:{args.port}: {error.strerror}\n")


if __name__ == "__main__":
    main()
