"""`llamacloud-async wait`: one JSON line per finished job, against FakeLlamaCloud."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async import LlamaCloud
from llamacloud_async.cli import main
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import API_KEY, popen_interruptible

FAST = ["--polling-interval", "0.05", "--max-interval", "0.1"]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY, job_duration=0.2, fail_jobs={"dfl-bad"}).serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        yield server


def create(fake: FakeLlamaCloud, *inputs: str) -> list[str]:
    with LlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client:
        return [client.extract.create(file_input=i, configuration_id="cfg").id for i in inputs]


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_wait_writes_each_finished_job_once(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = create(fake, "dfl-1", "dfl-2", "dfl-3")
    (tmp_path / "ids.txt").write_text("\n".join([*ids, "", ids[0]]) + "\n")

    status = main(["wait", "--ids", str(tmp_path / "ids.txt"), "-o", str(tmp_path / "out.jsonl"), *FAST])

    assert status == 0
    lines = jsonl(tmp_path / "out.jsonl")
    assert sorted(line["id"] for line in lines) == sorted(ids)
    assert all(line["ok"] and line["data"]["status"] == "COMPLETED" for line in lines)
    assert "3 finished (3 COMPLETED), 0 unfinished, 1 blank line skipped" in capsys.readouterr().err


def test_a_failed_job_is_written_and_exits_1(
    fake: FakeLlamaCloud, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    ids = create(fake, "dfl-1", "dfl-bad")
    (tmp_path / "ids.txt").write_text("\n".join(ids))

    assert main(["wait", "--ids", str(tmp_path / "ids.txt"), *FAST]) == 1

    lines = [json.loads(line) for line in capsysbinary.readouterr().out.splitlines()]
    by_id = {line["id"]: line for line in lines}
    assert by_id[ids[1]]["ok"] is False
    assert by_id[ids[1]]["data"]["status"] == "FAILED"
    assert by_id[ids[0]]["ok"] is True


def test_the_wait_timeout_exits_1_naming_the_unfinished(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.store.job_duration = 60
    [job_id] = create(fake, "dfl-1")
    (tmp_path / "ids.txt").write_text(job_id)

    assert main(["wait", "--ids", str(tmp_path / "ids.txt"), "--wait-timeout", "0.3", *FAST]) == 1

    err = capsys.readouterr().err
    assert f"did not finish within 0.3s: {job_id}" in err
    assert "0 finished (none), 1 unfinished" in err


def test_a_malformed_id_is_bad_input(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ids.txt").write_text("ext-1\n../etc\n")
    assert main(["wait", "--ids", str(tmp_path / "ids.txt")]) == 2
    err = capsys.readouterr().err
    assert "job_ids" in err
    assert "unfinished" not in err  # no summary of a wait that never began
    assert fake.requests == []


@pytest.mark.parametrize("option", ["--wait-timeout", "--polling-interval", "--max-interval"])
def test_seconds_options_must_be_positive(
    fake: FakeLlamaCloud, tmp_path: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ids.txt").write_text("ext-1\n")
    assert main(["wait", "--ids", str(tmp_path / "ids.txt"), option, "-1"]) == 2
    assert "above 0" in capsys.readouterr().err


def test_ctrl_c_names_the_jobs_still_unfinished(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    fake.store.job_duration = 60
    ids = create(fake, *(f"dfl-{i}" for i in range(12)))
    (tmp_path / "ids.txt").write_text("\n".join(ids))
    command = [sys.executable, "-m", "llamacloud_async", "wait", "--ids", str(tmp_path / "ids.txt"), *FAST]
    created = len(fake.requests)
    process = popen_interruptible(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(fake.requests) < created + 2 and time.monotonic() < deadline:  # the wait is polling
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)

    assert process.returncode == 130, err
    text = err.decode()
    assert f"unfinished: {', '.join(ids[:10])}, … and 2 more" in text
    assert "0 finished (none), 12 unfinished" in text
    assert "Traceback" not in text
