"""``llamacloud-async extract``: one line per document, and resuming without double billing.

The interruption test kills the command at random points (a hard kill while documents
are uploading, then Ctrl-C with some lines written) and resumes it; the fake server,
which outlives every run, must have seen each document uploaded once and each job
created once, and the output must hold exactly one line per document.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from llamacloud_async.cli import main
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import popen_interruptible

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = {"type": "object", "properties": {"vendor": {"type": "string"}, "total": {"type": "number"}}}


def write_documents(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"invoice-{i:05d}.txt"
        path.write_text(f"Invoice {i}\nvendor: Vendor {i % 37}\ntotal: {i}.50\n")
        paths.append(path)
    return paths


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(SCHEMA))
    return path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(job_duration=0.2, record=False).serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "k")
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        yield server


def test_one_line_per_document_with_its_extraction(
    fake: FakeLlamaCloud, tmp_path: Path, schema: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_documents(tmp_path / "docs", 12)
    (tmp_path / "docs" / ".hidden").write_text("not a document")
    output = tmp_path / "rows.jsonl"
    args = ["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", str(output)]
    status = main([*args, "--polling-interval", "0.1"])
    assert status == 0
    rows = lines_of(output)
    assert sorted(str(r["document"]) for r in rows) == sorted(str(p) for p in paths)
    row = next(r for r in rows if r["document"] == str(paths[3]))
    assert row["ok"] is True
    assert row["status"] == "COMPLETED"
    assert row["extract_result"] == {"vendor": "Vendor 3", "total": 3.5}
    assert "12 documents, 12 ok, 0 failed" in capsys.readouterr().err
    assert main(args) == 2  # a second run without --resume would upload and bill again
    assert "pass --resume" in capsys.readouterr().err
    assert main([*args, "--resume"]) == 0  # nothing left to do
    assert len(lines_of(output)) == 12
    assert fake.counts["file-create"] == 12


def test_a_document_changed_before_its_line_was_written_is_extracted_anew(
    fake: FakeLlamaCloud, tmp_path: Path, schema: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_documents(tmp_path / "docs", 4)
    output = tmp_path / "rows.jsonl"
    args = ["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", str(output)]
    assert main([*args, "--polling-interval", "0.1"]) == 0
    output.write_text("")  # as if stopped after every job was created, before any line
    paths[2].write_text("Invoice 2\nvendor: Corrected Vendor\ntotal: 99.50\n")
    capsys.readouterr()
    assert main([*args, "--resume", "--polling-interval", "0.1"]) == 0
    rows = {str(r["document"]): r for r in lines_of(output)}
    assert rows[str(paths[2])]["extract_result"] == {"vendor": "Corrected Vendor", "total": 99.5}
    assert rows[str(paths[1])]["extract_result"] == {"vendor": "Vendor 1", "total": 1.5}
    assert fake.counts["file-create"] == 5  # only the changed one again
    assert fake.counts["extract-create"] == 5
    assert "1 document changed since the earlier run" in capsys.readouterr().err


def test_a_missing_api_key_leaves_no_state_to_block_the_corrected_command(
    fake: FakeLlamaCloud,
    tmp_path: Path,
    schema: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_documents(tmp_path / "docs", 2)
    output = tmp_path / "rows.jsonl"
    args = ["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", str(output)]
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "api_key" in err
    assert "documents," not in err  # no summary of a run that never began
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "k")
    assert main([*args, "--polling-interval", "0.1"]) == 0
    assert len(lines_of(output)) == 2


def test_usage_errors(
    fake: FakeLlamaCloud, tmp_path: Path, schema: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = str(tmp_path / "rows.jsonl")
    assert main(["extract", str(tmp_path / "missing"), "--schema", str(schema), "-o", output]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    write_documents(tmp_path / "docs", 1)
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert main(["extract", str(tmp_path / "docs"), "--schema", str(bad), "-o", output]) == 2
    assert "must be a JSON object" in capsys.readouterr().err
    assert main(["extract", str(tmp_path / "docs"), "-o", output]) == 2  # neither --schema nor an ID
    assert main(["extract", "--help"]) == 0
    assert "--expand" not in capsys.readouterr().out  # not offered where it does not apply
    assert (
        main(["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", output, "--expand", "usage"])
        == 2
    )
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"type": "object", "properties": {"x": {"type": "string"}}}))
    assert main(["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", output]) == 0
    assert main(["extract", str(tmp_path / "docs"), "--schema", str(other), "-o", output, "--resume"]) == 2
    assert "another --schema" in capsys.readouterr().err
    assert fake.counts["file-create"] == 1


def test_failed_jobs_get_a_line_with_their_error(
    tmp_path: Path, schema: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_documents(tmp_path / "docs", 2)
    with FakeLlamaCloud(fail_jobs=lambda request: True).serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "k")
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        output = tmp_path / "rows.jsonl"
        status = main(["extract", *map(str, paths), "--schema", str(schema), "-o", str(output)])
    assert status == 1
    rows = lines_of(output)
    assert [r["ok"] for r in rows] == [False, False]
    assert all(r["status"] == "FAILED" and isinstance(r["error"], dict) for r in rows)


def _start(
    folder: Path, schema: Path, output: Path, fake: FakeLlamaCloud, *, resume: bool
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "llamacloud_async", "extract", str(folder), "--schema", str(schema)]
    command += ["-o", str(output), "--polling-interval", "0.1", "--concurrency", "16", "--no-progress"]
    if resume:
        command.append("--resume")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "LLAMA_CLOUD_API_KEY": "k",
        "LLAMA_CLOUD_BASE_URL": fake.base_url,
    }
    return popen_interruptible(command, env=env, stderr=subprocess.PIPE)


def _line_count(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_interrupted_at_random_points_and_resumed_uploads_and_creates_each_once(
    fake: FakeLlamaCloud, tmp_path: Path, schema: Path
) -> None:
    count = 1000
    seed = random.randrange(2**32)
    chance = random.Random(seed)
    folder = tmp_path / "docs"
    paths = write_documents(folder, count)
    output = tmp_path / "rows.jsonl"

    # 1. A hard kill at a random moment while documents are uploading.
    first = _start(folder, schema, output, fake, resume=False)
    deadline = time.monotonic() + 30
    target = chance.randint(1, count // 3)
    while fake.counts["file-create"] < target and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    first.kill()
    first.communicate()

    # 2. Ctrl-C once a random number of lines is written.
    second = _start(folder, schema, output, fake, resume=True)
    lines_wanted = chance.randint(_line_count(output) + 1, count - 50)
    while _line_count(output) < lines_wanted and second.poll() is None and time.monotonic() < deadline + 30:
        time.sleep(0.002)
    second.send_signal(signal.SIGINT)
    _, stderr = second.communicate(timeout=30)
    assert second.returncode in (0, 130), stderr.decode()

    # 3. Resumed to the end.
    third = _start(folder, schema, output, fake, resume=True)
    _, stderr = third.communicate(timeout=120)
    assert third.returncode == 0, stderr.decode()

    rows = lines_of(output)
    context = f"seed {seed}: killed after {target} uploads, interrupted at {lines_wanted} lines"
    assert len(rows) == count, context
    assert sorted(str(r["document"]) for r in rows) == sorted(str(p) for p in paths), context
    assert all(r["ok"] for r in rows), context
    assert len(fake.files.uploads_by_sha256) == count, context
    assert set(fake.files.uploads_by_sha256.values()) == {1}, context  # each document uploaded once
    assert fake.store.created == count, context  # each job created once (repeats were replays)


def _resumed_to_the_end(
    server: FakeLlamaCloud, paths: list[Path], args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "right")
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
    assert main([*args, "--resume"]) == 0
    rows = lines_of(Path(args[args.index("-o") + 1]))
    assert sorted(str(r["document"]) for r in rows) == sorted(map(str, paths))  # one line each
    assert all(r["ok"] for r in rows)
    assert set(server.files.uploads_by_sha256.values()) == {1}
    assert server.store.created == len(paths)


def test_a_wrong_key_stops_with_one_error_and_resume_does_every_document(
    tmp_path: Path, schema: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_documents(tmp_path / "docs", 40)
    output = tmp_path / "rows.jsonl"
    args = ["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", str(output)]
    args += ["--polling-interval", "0.1", "--no-progress"]
    with FakeLlamaCloud(job_duration=0.1, api_key="right").serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "sk-wrong-7f3e")
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        assert main([*args, "--concurrency", "4"]) == 1
        err = capsys.readouterr().err
        assert sum(line.startswith("llamacloud-async: error:") for line in err.splitlines()) == 1
        assert "stopped the run" in err
        assert "--resume" in err
        assert "0 documents, 0 ok, 0 failed" in err
        assert "sk-wrong-7f3e" not in err
        assert _line_count(output) == 0
        assert server.counts["file-create"] <= 4
        _resumed_to_the_end(server, paths, args, monkeypatch)


def test_a_dead_server_stops_quickly_and_resume_does_every_document(
    tmp_path: Path, schema: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = write_documents(tmp_path / "docs", 300)
    output = tmp_path / "rows.jsonl"
    args = ["extract", str(tmp_path / "docs"), "--schema", str(schema), "-o", str(output)]
    args += ["--polling-interval", "0.1", "--no-progress", "--concurrency", "16"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "right")
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", dead)
    started = time.monotonic()
    assert main([*args, "--max-retries", "1"]) == 1
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    assert sum(line.startswith("llamacloud-async: error:") for line in err.splitlines()) == 1
    assert "stopped the run" in err
    assert _line_count(output) == 0
    with FakeLlamaCloud(job_duration=0.1, api_key="right", record=False).serve_in_thread() as server:
        _resumed_to_the_end(server, paths, args, monkeypatch)
