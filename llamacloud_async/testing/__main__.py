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
        rows=args.rows,
        per_table_row=args.per_table_row,
        fault_rate=args.fault_rate,
        record=False,
    )
    async with fake:
        print(f"FakeLlamaCloud listening on {fake.base_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m llamacloud_async.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--rows", type=int, default=3, help="line items per generated document")
    parser.add_argument("--per-table-row", action="store_true", help="v2 jobs carry one result per table row")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests given a transient fault"
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
