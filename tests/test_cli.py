"""The llamacloud-async command line, end to end against FakeLlamaCloud."""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async import AsyncLlamaCloud, __version__
from llamacloud_async._cli.kinds import KINDS
from llamacloud_async.bulk import DEFAULT_CONCURRENCY, BulkFetch
from llamacloud_async.cli import main
from llamacloud_async.resources.extraction import AsyncRunsResource
from llamacloud_async.testing import FakeLlamaCloud
from llamacloud_async.types import ExtractRun

from .conftest import API_KEY


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        yield server


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_get_prints_the_item_as_json(
    fake: FakeLlamaCloud, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["get", "run", "run-7"]) == 0
    printed = json.loads(capsysbinary.readouterr().out)
    assert printed["id"] == "run-7"
    assert printed["status"] == "SUCCESS"


@pytest.mark.parametrize("loop_kind", ["uvloop", "asyncio"])
def test_runs_on_uvloop_when_installed_and_on_asyncio_without(
    fake: FakeLlamaCloud,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
    loop_kind: str,
) -> None:
    if loop_kind == "uvloop":
        pytest.importorskip("uvloop")
    else:
        monkeypatch.setitem(sys.modules, "uvloop", None)  # as if the extra were not installed
    seen: list[str] = []
    original_get = AsyncRunsResource.get

    async def spying_get(self: AsyncRunsResource, run_id: str, **options: Any) -> ExtractRun:
        seen.append(type(asyncio.get_running_loop()).__module__.split(".")[0])
        return await original_get(self, run_id, **options)

    monkeypatch.setattr(AsyncRunsResource, "get", spying_get)
    assert main(["get", "run", "run-7"]) == 0
    assert json.loads(capsysbinary.readouterr().out)["id"] == "run-7"
    assert seen == [loop_kind]


def test_get_extract_with_expand(fake: FakeLlamaCloud, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["get", "extract", "ext-1", "--expand", "usage", "--project-id", "p"]) == 0
    assert json.loads(capsysbinary.readouterr().out)["id"] == "ext-1"
    assert fake.requests[0].query == [("expand", "usage"), ("project_id", "p")]


def test_get_failure_exits_1_with_one_line(fake: FakeLlamaCloud, capsys: pytest.CaptureFixture[str]) -> None:
    fake.not_found_ids.add("gone")
    assert main(["get", "result", "gone"]) == 1
    err = capsys.readouterr().err
    assert "returned 404" in err
    assert len(err.strip().splitlines()) == 1


def test_fetch_writes_one_line_per_id_and_exits_1_on_failures(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.not_found_ids.add("run-3")
    ids = tmp_path / "ids.txt"
    ids.write_text("run-1\n\nrun-2\n  \nrun-3\nrun-4\n\n")
    out = tmp_path / "out.jsonl"

    status = main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--no-progress"])

    assert status == 1
    lines = jsonl(out)
    assert sorted(line["id"] for line in lines) == ["run-1", "run-2", "run-3", "run-4"]
    by_id = {line["id"]: line for line in lines}
    assert by_id["run-1"]["ok"] is True
    assert by_id["run-1"]["data"]["id"] == "run-1"
    assert by_id["run-3"]["ok"] is False
    assert by_id["run-3"]["error"]["type"] == "NotFoundError"
    assert by_id["run-3"]["error"]["status_code"] == 404
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "4 fetched, 3 ok, 1 failed, 3 blank lines skipped" in summary


def test_fetch_all_ok_exits_0_in_input_order(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"job-{i}\n" for i in range(50)))
    out = tmp_path / "out.jsonl"
    assert (
        main(["fetch", "runs-by-job", "--ids", str(ids), "-o", str(out), "--ordered", "--no-progress"]) == 0
    )
    assert [line["data"]["job_id"] for line in jsonl(out)] == [f"job-{i}" for i in range(50)]


def test_fetch_raw_writes_the_server_bytes(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("job-1\njob-2\n")
    out = tmp_path / "out.jsonl"
    assert main(["fetch", "results", "--ids", str(ids), "-o", str(out), "--raw", "--no-progress"]) == 0
    lines = jsonl(out)
    assert {line["id"] for line in lines} == {"job-1", "job-2"}
    assert all(
        set(line["data"]) == {"data", "extraction_agent_id", "extraction_metadata", "run_id"}
        for line in lines
    )


def test_fetch_reads_ids_from_stdin(
    fake: FakeLlamaCloud, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"ext-1\next-2\n")))
    assert main(["fetch", "extract", "--ids", "-", "--no-progress"]) == 0
    lines = [json.loads(line) for line in capsysbinary.readouterr().out.splitlines()]
    assert sorted(line["data"]["id"] for line in lines) == ["ext-1", "ext-2"]


def test_missing_ids_file_is_a_one_line_error(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fetch", "runs", "--ids", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("llamacloud-async: error: cannot read IDs from")
    assert len(err.splitlines()) == 1


def test_unreadable_ids_are_a_one_line_error(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_bytes(b"run-1\nrun-\xff\xfe\n")
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(tmp_path / "o"), "--no-progress"]) == 2
    assert f"{ids}:2: the ID is not valid UTF-8" in capsys.readouterr().err


def test_malformed_ids_fail_per_line(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("run-1\n../etc/passwd\n")
    out = tmp_path / "out.jsonl"
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--no-progress"]) == 1
    bad = next(line for line in jsonl(out) if not line["ok"])
    assert bad["error"]["type"] == "ValueError"
    assert len(fake.requests) == 1


def test_missing_api_key_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_API_KEY", raising=False)
    assert main(["get", "run", "r"]) == 2
    assert "LLAMA_CLOUD_API_KEY" in capsys.readouterr().err


def test_expand_is_only_for_extract(fake: FakeLlamaCloud, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "run", "r", "--expand", "usage"]) == 2
    assert "--expand only applies to extract" in capsys.readouterr().err


def test_demo_runs_as_a_module_without_key_or_network() -> None:
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("LLAMA_CLOUD")}
    completed = subprocess.run(
        [sys.executable, "-m", "llamacloud_async", "demo", "--count", "500"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Demo done: 500 ok, 0 failed" in completed.stderr


# kinds: one table, singular and plural names


@pytest.mark.parametrize("kind", ["run", "runs"])
def test_get_accepts_the_singular_and_the_plural(
    fake: FakeLlamaCloud, capsysbinary: pytest.CaptureFixture[bytes], kind: str
) -> None:
    assert main(["get", kind, "run-7"]) == 0
    assert json.loads(capsysbinary.readouterr().out)["id"] == "run-7"
    assert [r.route for r in fake.requests] == ["run"]


@pytest.mark.parametrize(
    ("kind", "route"),
    [
        ("result", "result"),
        ("results", "result"),
        ("run-by-job", "run-by-job"),
        ("runs-by-job", "run-by-job"),
    ],
)
def test_fetch_accepts_the_singular_and_the_plural(
    fake: FakeLlamaCloud, tmp_path: Path, kind: str, route: str
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("job-1\njob-2\n")
    out = tmp_path / "out.jsonl"
    assert main(["fetch", kind, "--ids", str(ids), "-o", str(out), "--no-progress"]) == 0
    assert sorted(line["id"] for line in jsonl(out)) == ["job-1", "job-2"]
    assert {r.route for r in fake.requests} == {route}


def test_an_unknown_kind_is_a_usage_error_listing_the_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "job", "j"]) == 2
    err = capsys.readouterr().err
    assert "unknown kind 'job'" in err
    assert "run-by-job" in err


# --expand


@pytest.mark.parametrize(
    "expand", [["--expand", "configuration,usage"], ["--expand", "configuration", "--expand", "usage"]]
)
def test_expand_takes_a_comma_list_or_repeats(
    fake: FakeLlamaCloud, capsysbinary: pytest.CaptureFixture[bytes], expand: list[str]
) -> None:
    assert main(["get", "extract", "ext-1", *expand]) == 0
    assert json.loads(capsysbinary.readouterr().out)["id"] == "ext-1"
    assert fake.requests[0].query == [("expand", "configuration"), ("expand", "usage")]


def test_expand_applies_to_fetch_extract(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("ext-1\n")
    out = tmp_path / "out.jsonl"
    assert (
        main(["fetch", "extract", "--ids", str(ids), "-o", str(out), "--expand", "usage,configuration"]) == 0
    )
    assert fake.requests[0].query == [("expand", "usage"), ("expand", "configuration")]


def test_an_unknown_expand_value_is_a_usage_error_naming_it(
    fake: FakeLlamaCloud, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["get", "extract", "ext-1", "--expand", "usage,bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ")
    assert "'bogus'" in err
    assert "configuration, extract_metadata, usage" in err
    assert fake.requests == []


# --version, --help


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"llamacloud-async {__version__}"


def test_version_flag_as_a_module() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "llamacloud_async", "--version"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"llamacloud-async {__version__}"


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main([*argv, "--help"]) == 0
    return " ".join(capsys.readouterr().out.split())


def test_top_level_help_has_no_rst_markup(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(capsys)
    assert "``" not in text
    assert ":class:" not in text
    assert "fetch" in text
    assert "exit status" in text


def test_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    fetch = help_text(capsys, "fetch")
    assert f"(default: {DEFAULT_CONCURRENCY})" in fetch
    assert "(default: 60.0)" in fetch
    assert "(default: 2)" in fetch
    demo = help_text(capsys, "demo")
    assert "(default: 10000)" in demo
    assert "(default: 0.03)" in demo


def test_fetch_and_demo_share_the_library_default_concurrency(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("fetch", "demo"):
        assert f"requests in flight (default: {DEFAULT_CONCURRENCY})" in help_text(capsys, command)


def test_api_key_help_recommends_the_environment_variable(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(capsys, "get")
    assert "prefer LLAMA_CLOUD_API_KEY" in text
    assert "visible in ps" in text


# the event loop


def test_an_unexpected_error_is_not_chained_to_the_missing_uvloop(
    fake: FakeLlamaCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if the extra were not installed

    async def failing_get(self: AsyncRunsResource, run_id: str, **options: Any) -> ExtractRun:
        raise RuntimeError("a bug")

    monkeypatch.setattr(AsyncRunsResource, "get", failing_get)
    with pytest.raises(RuntimeError, match="a bug") as raised:
        main(["get", "run", "run-7"])
    context: BaseException | None = raised.value
    while context is not None:
        assert not isinstance(context, ImportError)
        context = context.__context__


def test_every_kind_names_methods_the_client_has() -> None:
    client = AsyncLlamaCloud(api_key=API_KEY)
    for kind in KINDS:
        assert inspect.iscoroutinefunction(kind.get_one(client)), kind
        for raw in (False, True):
            assert isinstance(kind.get_many(client, raw=raw)(["an-id"], concurrency=2), BulkFetch), kind
        assert ("expand" in inspect.signature(kind.get_one(client)).parameters) is kind.expand


def test_concurrency_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "runs", "--ids", "-", "--concurrency", "0"]) == 2
    assert "expected a positive whole number, got '0'" in capsys.readouterr().err


@pytest.mark.parametrize("failure", ["wrong key", "server down"])
def test_a_fetch_the_api_stopped_exits_1_not_the_usage_status(
    failure: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("run-1\nrun-2\n")
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        base_url = server.base_url
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "llx-wrong" if failure == "wrong key" else API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", base_url)
        if failure == "wrong key":
            assert main(["fetch", "runs", "--ids", str(ids), "-o", str(tmp_path / "out.jsonl")]) == 1
    if failure == "server down":
        assert main(["fetch", "runs", "--ids", str(ids), "-o", str(tmp_path / "out.jsonl")]) == 1
    assert "not about one item" in capsys.readouterr().err


def test_fetch_refuses_to_replace_an_output_with_lines_unless_resumed(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("run-1\nrun-2\n")
    out = tmp_path / "out.jsonl"
    out.write_text('{"id":"run-0","ok":true,"data":{}}\n')
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out)]) == 2
    assert "already has lines: pass --resume" in capsys.readouterr().err
    assert out.read_text().count("\n") == 1
    assert main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--resume"]) == 0
    assert [line["id"] for line in jsonl(out)] == ["run-0", "run-1", "run-2"]


@pytest.mark.filterwarnings("always::llamacloud_async.InsecureBaseURLWarning")
def test_a_warning_is_one_line_like_the_errors(
    fake: FakeLlamaCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = fake.base_url.rsplit(":", 1)[1]
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", f"http://0.0.0.0:{port}")  # plain http, not loopback
    assert main(["get", "run", "run-7"]) == 0
    err = capsys.readouterr().err
    assert "llamacloud-async: warning: base_url 'http://0.0.0.0:" in err
    assert "InsecureBaseURLWarning" not in err
    assert ".py:" not in err
