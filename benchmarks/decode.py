"""Decoding one response body into its model, as every successful call does.

    python -m benchmarks.decode            ExtractRun and ExtractV2Job bodies of the fake server
    python -m benchmarks.decode --rows 200 with bigger extracted data

Times ``_response.parse(reply, model)``, the decode a call makes (the cached msgspec
decoder, and whatever the package adds around it), best of ``--repeat`` rounds of
``--number`` decodes, in microseconds. It runs unchanged against any checkout of the
package (set ``PYTHONPATH``), so two trees can be compared on one machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import msgspec
from multidict import CIMultiDict, CIMultiDictProxy

from llamacloud_async._request import Request
from llamacloud_async._response import parse
from llamacloud_async._transport import Reply
from llamacloud_async.testing import _bodies
from llamacloud_async.types import ExtractRun, ExtractV2Job


def best_microseconds(function: Callable[[], object], number: int, repeat: int) -> float:
    """The fastest of ``repeat`` rounds of ``number`` calls, per call, in microseconds."""
    rounds: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(number):
            function()
        rounds.append((time.perf_counter() - started) / number * 1e6)
    return min(rounds)


def reply_for(body: dict[str, Any]) -> Reply:
    """A 200 reply carrying ``body`` as JSON."""
    headers = CIMultiDictProxy(CIMultiDict({"content-type": "application/json"}))
    return Reply(Request("GET", "/x"), "http://127.0.0.1/x", 200, headers, msgspec.json.encode(body))


def main() -> None:
    """Print one line per model: body size and the decode time."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=3, help="rows of extracted data per body (default 3)")
    parser.add_argument("--number", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cases: list[tuple[str, type[Any], Reply]] = [
        ("ExtractRun", ExtractRun, reply_for(_bodies.extraction_run("run-1", rows=args.rows))),
        ("ExtractV2Job", ExtractV2Job, reply_for(_bodies.extract_job("ext-1", rows=args.rows))),
    ]
    for name, model, reply in cases:
        micros = best_microseconds(partial(parse, reply, model), args.number, args.repeat)
        print(f"{name:<13} {len(reply.content):>7} bytes  {micros:7.2f} µs")


if __name__ == "__main__":
    main()
