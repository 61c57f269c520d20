"""The benchmark harness still runs (tiny sizes; it asserts nothing about speed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_harness_smoke(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--markdown", str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    text = report.read_text()
    sections = ("Throughput targets", "Concurrent gets", "Sequential gets", "Decoding one body")
    for section in (*sections, "Import time", "Memory", "Command line"):
        assert f"### {section}" in text, section
    assert "| ours: get_many |" in text
    assert "| official AsyncLlamaCloud: gather |" in text
    assert "| sync sequential / official sync |" in text


def test_throttling_benchmark_smoke() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.throttling", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    for scenario in (
        "| hinted 429s, 0 ms latency |",
        "| hinted 429s, 20 ms latency |",
        "| bare 429s, 0 ms latency |",
        "| bare 429s, 20 ms latency |",
        "| 400 -> 100 -> 400/s, hinted, 0 ms latency |",
        "| server down, 2,000 IDs | APIConnectionError",
        "| wrong key, 2,000 IDs, concurrency 64 | AuthenticationError",
        "| 20% |",
    ):
        assert scenario in completed.stdout, scenario
