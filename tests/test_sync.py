"""The generated sync facade: same calls, on a private loop thread, safe in every setting."""

from __future__ import annotations

import ast
import asyncio
import importlib.util
import signal
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async import (
    APIResponse,
    APIResponseValidationError,
    AsyncLlamaCloud,
    ClientClosedError,
    LlamaCloud,
    NotFoundError,
)
from llamacloud_async.testing import FakeLlamaCloud, Status, TruncatedJSON
from llamacloud_async.types import ExtractRun, ExtractV2Job, JobGetResultResponse

from .conftest import API_KEY, popen_interruptible

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fake() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        yield server


@pytest.fixture(params=["uvloop", "asyncio"])
def loop_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which loop the sync client's thread runs: uvloop's (the extra) or asyncio's."""
    if request.param == "uvloop":
        pytest.importorskip("uvloop")
    else:
        monkeypatch.setitem(sys.modules, "uvloop", None)  # as if the extra were not installed
    return str(request.param)


@pytest.fixture
def client(fake: FakeLlamaCloud, loop_kind: str) -> Iterator[LlamaCloud]:
    with LlamaCloud(api_key=API_KEY, base_url=fake.base_url) as sync_client:
        yield sync_client


def test_the_private_loop_is_uvloop_when_installed(client: LlamaCloud, loop_kind: str) -> None:
    client.extraction.runs.get("run-1")
    loop = client._runtime._loop.loop  # type: ignore[union-attr]
    assert type(loop).__module__.split(".")[0] == loop_kind


def loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "llamacloud-async-loop"]


def test_every_endpoint_returns_the_async_models(client: LlamaCloud, fake: FakeLlamaCloud) -> None:
    assert isinstance(client.extract.get("ext-1", expand=["usage"]), ExtractV2Job)
    assert isinstance(client.extraction.jobs.get_result("job-1"), JobGetResultResponse)
    assert isinstance(client.extraction.runs.get("run-1", project_id="p"), ExtractRun)
    assert client.extraction.runs.get_by_job("job-1").job_id == "job-1"
    raw = client.extraction.runs.with_raw_response.get("run-2")
    assert isinstance(raw, APIResponse)
    assert raw.parse().id == "run-2"
    assert [r.query for r in fake.requests][:3] == [[("expand", "usage")], [], [("project_id", "p")]]


def test_errors_keep_class_attributes_and_the_call_site(client: LlamaCloud, fake: FakeLlamaCloud) -> None:
    fake.not_found_ids.add("missing")
    with pytest.raises(NotFoundError) as caught:
        client.extraction.runs.get("missing")
    assert caught.value.status_code == 404
    assert caught.value.request_id
    assert "test_errors_keep_class_attributes_and_the_call_site" in "".join(
        traceback.format_exception(caught.value)
    )


def test_validation_errors_are_raised_before_any_request(client: LlamaCloud, fake: FakeLlamaCloud) -> None:
    with pytest.raises(ValueError, match="run_id"):
        client.extraction.runs.get("a/b")
    assert fake.requests == []


def test_works_when_the_calling_thread_runs_an_event_loop(client: LlamaCloud) -> None:
    async def notebook_cell() -> str:
        return client.extraction.runs.get("run-1").id

    assert asyncio.run(notebook_cell()) == "run-1"


def test_32_threads_share_one_client(client: LlamaCloud, fake: FakeLlamaCloud) -> None:
    def work(n: int) -> list[str]:
        return [client.extraction.runs.get(f"run-{n}-{i}").id for i in range(5)]

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(work, range(32)))

    assert results == [[f"run-{n}-{i}" for i in range(5)] for n in range(32)]
    assert len(fake.requests) == 160
    assert len(loop_threads()) == 1


def test_with_options_shares_the_loop_thread(client: LlamaCloud, fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503, headers={"retry-after-ms": "5"}), times=None)
    with pytest.raises(Exception, match="after 5 attempts"):
        client.with_options(max_retries=4).extraction.runs.get("run-1")
    assert len(loop_threads()) == 1


def test_close_stops_the_thread_and_refuses_later_calls(fake: FakeLlamaCloud) -> None:
    client = LlamaCloud(api_key=API_KEY, base_url=fake.base_url)
    assert loop_threads() == []  # started on the first call, not before
    client.extraction.runs.get("run-1")
    assert len(loop_threads()) == 1
    client.close()
    assert loop_threads() == []
    with pytest.raises(ClientClosedError, match="closed"):  # as the async client's: a LlamaCloudError
        client.extraction.runs.get("run-1")
    client.close()  # closing twice is harmless


def test_calling_from_its_own_loop_thread_is_a_clear_error(client: LlamaCloud) -> None:
    client.extraction.runs.get("run-1")

    async def callback_on_the_loop() -> None:
        client.extraction.runs.get("run-2")

    with pytest.raises(RuntimeError, match="would deadlock"):
        client._runtime.call(callback_on_the_loop)


def test_bulk_items_are_decoded_and_reported_in_the_calling_thread(
    client: LlamaCloud, fake: FakeLlamaCloud
) -> None:
    fake.inject(TruncatedJSON(), id="run-7")
    progress_threads: list[threading.Thread] = []

    results = list(
        client.extraction.runs.get_many(
            [f"run-{i}" for i in range(300)],
            on_progress=lambda _: progress_threads.append(threading.current_thread()),
        )
    )

    assert progress_threads == [threading.current_thread()] * 300
    failed = [r for r in results if not r.ok]
    assert [r.id for r in failed] == ["run-7"]
    assert isinstance(failed[0].error, APIResponseValidationError)
    assert all(isinstance(r.value, ExtractRun) for r in results if r.ok)


def test_bulk_fail_fast_on_a_malformed_body_raises_and_stops(
    client: LlamaCloud, fake: FakeLlamaCloud
) -> None:
    fake.inject(TruncatedJSON(), id="run-30")
    with pytest.raises(APIResponseValidationError):
        for _ in client.extraction.runs.get_many(
            (f"run-{i}" for i in range(100_000)), concurrency=4, fail_fast=True
        ):
            pass
    time.sleep(0.2)
    sent = len(fake.requests)
    time.sleep(0.3)
    assert len(fake.requests) == sent < 100


def test_sync_facade_is_up_to_date() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_sync.py"), "--check"], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def load_generator(monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location("gen_sync", ROOT / "scripts" / "gen_sync.py")
    assert spec is not None
    assert spec.loader is not None
    gen_sync = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "gen_sync", gen_sync)
    spec.loader.exec_module(gen_sync)
    return gen_sync


def test_generator_check_reports_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    gen_sync = load_generator(monkeypatch)
    stale = tmp_path / "_sync.py"
    stale.write_text(gen_sync.generate().replace("def get_by_job(", "def get_by_jobb("))
    monkeypatch.setattr(gen_sync, "TARGET", stale)
    monkeypatch.setattr(sys, "argv", ["gen_sync.py", "--check"])

    assert gen_sync.main() == 1
    assert "+    def get_by_job(" in capsys.readouterr().out


def test_generator_refuses_a_return_kind_it_has_no_rule_for(monkeypatch: pytest.MonkeyPatch) -> None:
    gen_sync = load_generator(monkeypatch)
    node = ast.parse("def watch(self, ids: list[str]) -> JobWatcher[ExtractV2Job]: ...").body[0]
    with pytest.raises(LookupError, match="RETURN_KINDS does not list"):
        gen_sync.render_method(
            gen_sync.Method(node, sys.modules[__name__]), "extract", gen_sync.Names(), False
        )


def test_the_iterator_bridge_takes_any_async_iterator(client: LlamaCloud) -> None:
    async def countdown() -> AsyncIterator[int]:
        for i in (3, 2, 1):
            yield i

    assert list(client._runtime.iterate(countdown())) == [3, 2, 1]
    closed: list[bool] = []

    async def endless() -> AsyncIterator[int]:
        try:
            while True:
                yield 0
        finally:
            closed.append(True)

    for _ in client._runtime.iterate(endless()):
        break
    assert closed == [True]


def test_sync_methods_mirror_async_signatures() -> None:
    import inspect

    pairs = [
        (LlamaCloud.__init__, AsyncLlamaCloud.__init__),
        (LlamaCloud.with_options, AsyncLlamaCloud.with_options),
    ]
    sync_client = LlamaCloud(api_key=API_KEY)
    async_client = AsyncLlamaCloud(api_key=API_KEY)
    pairs += [
        (sync_client.extract.get, async_client.extract.get),
        (sync_client.extraction.jobs.get_result, async_client.extraction.jobs.get_result),
        (sync_client.extraction.runs.get, async_client.extraction.runs.get),
        (sync_client.extraction.runs.get_by_job, async_client.extraction.runs.get_by_job),
    ]
    for sync_method, async_method in pairs:
        sync_sig, async_sig = inspect.signature(sync_method), inspect.signature(async_method)
        assert list(sync_sig.parameters.values()) == list(async_sig.parameters.values())
        assert inspect.getdoc(sync_method) or sync_method.__name__ == "__init__"


SCRIPT_PRELUDE = """
import os, sys, time, threading, asyncio
from llamacloud_async import LlamaCloud
from llamacloud_async.testing import FakeLlamaCloud, Delay
fake_cm = FakeLlamaCloud().serve_in_thread()
fake = fake_cm.__enter__()
"""


SCRIPT_END = """
fake_cm.__exit__(None, None, None)
"""


def run_script(body: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    script = SCRIPT_PRELUDE + textwrap.dedent(body) + SCRIPT_END
    return subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,  # type: ignore[call-overload]
    )


def test_exit_without_close_is_clean() -> None:
    completed = run_script(
        """
        client = LlamaCloud(api_key="k", base_url=fake.base_url)
        client.extraction.runs.get("run-1")
        print("done")
        """
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "done"
    assert "Unclosed" not in completed.stderr
    assert "Warning" not in completed.stderr


def test_a_forked_child_gets_a_fresh_loop() -> None:
    completed = run_script(
        """
        import warnings
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads, on 3.12+
        client = LlamaCloud(api_key="k", base_url=fake.base_url)
        client.extraction.runs.get("before-fork")
        pid = os.fork()
        if pid == 0:
            try:
                ok = client.extraction.runs.get("in-child").id == "in-child"
            except BaseException as exc:
                print("child failed:", repr(exc), file=sys.stderr, flush=True)
                ok = False
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status))
        print("parent", client.extraction.runs.get("after-fork").id)
        client.close()
        """
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split("\n")[:2] == ["child 0", "parent after-fork"], completed.stderr


def test_ctrl_c_interrupts_promptly_and_cancels_the_request() -> None:
    script = (
        SCRIPT_PRELUDE
        + textwrap.dedent(
            """
        fake.inject(Delay(30), id="slow", times=None)
        client = LlamaCloud(api_key="k", base_url=fake.base_url)
        client.extraction.runs.get("warm-up")

        async def tasks_on_loop():
            return len(asyncio.all_tasks())

        baseline = client._runtime.call(tasks_on_loop)
        print("calling", flush=True)
        started = time.monotonic()
        try:
            client.extraction.runs.get("slow")
        except KeyboardInterrupt:
            print(f"interrupted after {time.monotonic() - started:.2f}s", flush=True)
        time.sleep(0.2)
        print("tasks", client._runtime.call(tasks_on_loop) - baseline, flush=True)
        client.close()
        """
        )
        + SCRIPT_END
    )
    process = popen_interruptible(
        [sys.executable, "-W", "error", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "calling"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    lines = out.strip().splitlines()
    assert process.returncode == 0, err
    assert lines[0].startswith("interrupted after ")
    assert float(lines[0].split()[-1].rstrip("s")) < 2.0
    assert lines[1] == "tasks 0"
