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
