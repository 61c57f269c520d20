"""The API key never leaks: not in reprs, errors, tracebacks or logs."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import traceback
import warnings

import pytest

from llamacloud_async import APIError, AsyncLlamaCloud, InsecureBaseURLWarning
from llamacloud_async.testing import CloseMidBody, FakeLlamaCloud, HTMLError, Reset, Status, TruncatedJSON

from .conftest import API_KEY

FAULTS = [
    Status(401),
    Status(404),
    Status(429, headers={"retry-after-ms": "5"}),
    Status(503, headers={"retry-after-ms": "5"}),
    HTMLError(502),
    Reset(),
    CloseMidBody(),
    TruncatedJSON(),
]


def everything_about(error: BaseException) -> str:
    parts = ["".join(traceback.format_exception(error)), repr(error), str(vars(error))]
    cause = error.__cause__ or error.__context__
    while cause is not None:
        parts += [repr(cause), str(getattr(cause, "__dict__", ""))]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: type(f).__name__)
async def test_key_never_appears_in_errors_or_logs(
    fake: FakeLlamaCloud, fault: object, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject(fault, times=None)  # type: ignore[arg-type]
    caplog.set_level(logging.DEBUG)
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, max_retries=1) as client:
        with pytest.raises(APIError) as caught:
            await client.extraction.runs.get("run-1")
        assert API_KEY not in repr(client)

    assert API_KEY not in everything_about(caught.value)
    assert caplog.records, "DEBUG logging should describe the attempts"
    assert API_KEY not in caplog.text


async def test_debug_log_lines_show_method_url_status_and_attempt(
    fake: FakeLlamaCloud, caplog: pytest.LogCaptureFixture
) -> None:
    fake.inject(Status(503, headers={"retry-after-ms": "5"}), times=1)
    caplog.set_level(logging.DEBUG, logger="llamacloud_async")
    async with AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url) as client:
        await client.extraction.runs.get("run-1")
    url = f"{fake.base_url}/api/v1/extraction/runs/run-1"
    messages = [r.getMessage() for r in caplog.records if r.name == "llamacloud_async"]
    assert any(m.startswith(f"GET {url} -> 503 (attempt 1,") for m in messages)
    assert any("failed (503); attempt 2 in" in m for m in messages)
    assert any(m.startswith(f"GET {url} -> 200 (attempt 2,") for m in messages)


def test_plain_http_to_a_remote_host_warns() -> None:
    with pytest.warns(InsecureBaseURLWarning, match="unencrypted"):
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://api.example.com")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost", "http://[::1]:9", "https://x.example"]
)
def test_loopback_and_https_do_not_warn(url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AsyncLlamaCloud(api_key=API_KEY, base_url=url)


def test_no_resource_warnings_under_w_error() -> None:
    script = textwrap.dedent(
        """
        import asyncio, gc
        from llamacloud_async import AsyncLlamaCloud, APIError
        from llamacloud_async.testing import FakeLlamaCloud, Reset, CloseMidBody, Status

        async def main():
            async with FakeLlamaCloud() as fake:
                fake.inject(Reset(), id="a", times=None)
                fake.inject(CloseMidBody(), id="b", times=None)
                fake.inject(Status(503, headers={"retry-after-ms": "5"}), id="c", times=None)
                async with AsyncLlamaCloud(api_key="k", base_url=fake.base_url) as client:
                    for run_id in ["a", "b", "c", "ok"]:
                        try:
                            await client.extraction.runs.get(run_id)
                        except APIError:
                            pass
            gc.collect()

        asyncio.run(main())
        gc.collect()
        print("clean")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-X", "dev", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "clean"
    assert "Unclosed" not in completed.stderr
    assert "ResourceWarning" not in completed.stderr
