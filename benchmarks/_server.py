"""Run FakeLlamaCloud in its own process for a benchmark, pinned to its own core where possible."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def server_process(*, rows: int = 3, per_table_row: bool = False, core: int | None = 0) -> Iterator[str]:
    """Start ``python -m llamacloud_async.testing`` and yield its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", "llamacloud_async.testing", "--port", str(port), "--rows", str(rows)]
    if per_table_row:
        command.append("--per-table-row")
    if core is not None and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", str(core), *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{base_url}/api/v1/extraction/runs/warmup", timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
