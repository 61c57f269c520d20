"""Run FakeLlamaCloud in its own process for a benchmark, pinned to its own core where possible."""

from __future__ import annotations

import contextlib
import json
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


class FakeProcess:
    """A ``benchmarks._fake`` server process: its URL, and ``set`` to steer it."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str) -> None:
        self._process = process
        self.base_url = base_url

    def set(self, name: str, value: object) -> None:
        """Set attribute ``name`` of the running fake (``set("rate_limit", 100)``)."""
        assert self._process.stdin is not None
        self._process.stdin.write(f"{name} {json.dumps(value)}\n".encode())
        self._process.stdin.flush()

    def recorded(self) -> int:
        """How many requests the fake has recorded (with ``record=True``, its default)."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(b"recorded\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())


@contextlib.contextmanager
def fake_process(core: int | None = 0, **options: object) -> Iterator[FakeProcess]:
    """Run a FakeLlamaCloud with ``options`` in its own process, pinned to ``core``."""
    command = [sys.executable, "-m", "benchmarks._fake", json.dumps(options)]
    if core is not None and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        command = ["taskset", "-c", str(core), *command]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().decode().strip()
        if not base_url:
            raise RuntimeError("the benchmark server did not start")
        yield FakeProcess(process, base_url)
    finally:
        process.terminate()
        process.wait(timeout=10)
