"""`demo`: bulk-fetch from a local FakeLlamaCloud with injected faults; no key, no network."""

from __future__ import annotations

import argparse
import sys

from .._client import AsyncLlamaCloud
from ..bulk import BulkProgress


def fault_rate(text: str) -> float:
    """`text` as a share in [0, 1); an argparse type.

    Args:
        text: The option's argument.

    Returns:
        The share.

    Raises:
        argparse.ArgumentTypeError: It is not a number in [0, 1).
    """
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


async def demo(args: argparse.Namespace) -> int:
    """Run `demo`.

    Args:
        args: The parsed command line.

    Returns:
        0 when every run was fetched, 1 when any failed.
    """
    from ..testing import FakeLlamaCloud

    print(
        f"Starting a fake LlamaCloud on 127.0.0.1 with {args.fault_rate:.0%} transient faults "
        f"(503, 429, resets, cut-off bodies); fetching {args.count:,} runs, {args.concurrency} at a time.",
        file=sys.stderr,
    )
    snapshots: list[BulkProgress] = []
    ok = failed = 0
    with FakeLlamaCloud(fault_rate=args.fault_rate, seed=2026, record=False).serve_in_thread() as fake:
        async with AsyncLlamaCloud(api_key="demo", base_url=fake.base_url, max_retries=5) as client:
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
