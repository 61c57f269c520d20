"""``fetch -o FILE --resume``, ``--fail-fast`` and Ctrl-C: the output file stays valid JSON
lines, one per ID."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async.cli import main
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import API_KEY, popen_interruptible


def serve(monkeypatch: pytest.MonkeyPatch, fake: FakeLlamaCloud) -> Iterator[FakeLlamaCloud]:
    with fake.serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        yield server


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    yield from serve(monkeypatch, FakeLlamaCloud(api_key=API_KEY))


@pytest.fixture
def slow_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    yield from serve(monkeypatch, FakeLlamaCloud(api_key=API_KEY, latency=0.05, record=False))


def json_lines(path: Path) -> list[dict[str, Any]]:
    """Every line parsed on its own; fails on a torn or blank line."""
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data[:-1].split(b"\n")]


def write_ids(tmp_path: Path, count: int) -> Path:
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"run-{i}\n" for i in range(count)))
    return ids


def test_resume_skips_written_ids_and_refetches_a_torn_last_line(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path, 10)
    first = tmp_path / "first.txt"
    first.write_text("run-0\nrun-1\nrun-2\nrun-3\nrun-4\n")
    out = tmp_path / "out.jsonl"
    assert main(["fetch", "runs", "--ids", str(first), "-o", str(out), "--ordered", "--no-progress"]) == 0
    whole = out.read_bytes()
    last_start = whole.rindex(b"\n", 0, len(whole) - 1) + 1
    out.write_bytes(whole[: last_start + 25])  # run-4's line, torn part-way
    fake.requests.clear()
    capsys.readouterr()

    status = main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--resume", "--no-progress"])

    assert status == 0
    lines = json_lines(out)
    assert sorted(line["id"] for line in lines) == sorted(f"run-{i}" for i in range(10))
    assert all(line["ok"] for line in lines)
    assert out.read_bytes().startswith(whole[:last_start])
    assert sorted(r.id for r in fake.requests) == sorted(f"run-{i}" for i in range(4, 10))
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "6 fetched, 6 ok, 0 failed" in summary
    assert "4 already in" in summary


def test_resume_adds_the_missing_newline_after_a_whole_last_line(
    fake: FakeLlamaCloud, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id":"run-0","ok":true,"data":{}}')
    ids = write_ids(tmp_path, 2)
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--resume", "--no-progress"]) == 0
    assert [line["id"] for line in json_lines(out)] == ["run-0", "run-1"]


def test_resume_of_a_missing_file_starts_it(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    ids = write_ids(tmp_path, 3)
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--resume", "--no-progress"]) == 0
    assert sorted(line["id"] for line in json_lines(out)) == ["run-0", "run-1", "run-2"]


def test_resume_refuses_a_file_with_a_bad_line_before_the_end(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    content = b'{"id":"run-0","ok":true,"data":{}}\nnot json\n{"id":"run-1","ok":true,"data":{}}\n'
    out.write_bytes(content)
    ids = write_ids(tmp_path, 3)
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--resume", "--no-progress"]) == 2
    assert f"{out}:2: " in capsys.readouterr().err
    assert out.read_bytes() == content
    assert fake.requests == []


def test_resume_needs_an_output_file(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = write_ids(tmp_path, 1)
    assert main(["fetch", "runs", "--ids", str(ids), "--resume"]) == 2
    assert "--resume needs -o FILE" in capsys.readouterr().err


def test_fail_fast_stops_at_the_first_failure_with_one_message(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.not_found_ids.add("run-3")
    ids = write_ids(tmp_path, 10)
    out = tmp_path / "out.jsonl"
    argv = [
        "fetch",
        "runs",
        "--ids",
        str(ids),
        "-o",
        str(out),
        "--fail-fast",
        "--ordered",
        "--concurrency",
        "1",
    ]

    assert main([*argv, "--no-progress"]) == 1

    assert [line["id"] for line in json_lines(out)] == ["run-0", "run-1", "run-2"]
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1
    assert errors[0].startswith("llamacloud-async: error: ")
    assert "returned 404" in errors[0]
    assert {r.id for r in fake.requests} <= {f"run-{i}" for i in range(5)}


def test_ctrl_c_prints_the_summary_exits_130_and_leaves_whole_lines(
    slow_fake: FakeLlamaCloud, tmp_path: Path
) -> None:
    ids = write_ids(tmp_path, 5000)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "llamacloud_async", "fetch", "runs", "--ids", str(ids), "-o", str(out)]
    process = popen_interruptible(
        [*command, "--no-progress", "--concurrency", "8"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while (not out.exists() or out.read_bytes().count(b"\n") < 20) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)

    assert process.returncode == 130, err
    text = err.decode()
    assert "Traceback" not in text
    assert "fetched" in text
    assert text.rstrip().endswith("llamacloud-async: interrupted")
    lines = json_lines(out)
    assert len(lines) >= 20
    assert len({line["id"] for line in lines}) == len(lines) < 5000
    assert os.path.getsize(out) == len(out.read_bytes())
