"""Every ```python block in README.md and docs/ runs against FakeLlamaCloud.

Blocks may use top-level ``await`` (they get a ready ``client``) and the sample names
below; ``test_*`` coroutines a block defines are run too. Clients a block leaves open
are closed afterwards.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async import AsyncLlamaCloud, LlamaCloud
from llamacloud_async.testing import FakeLlamaCloud

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def examples() -> Iterator[Any]:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, match in enumerate(BLOCK.finditer(path.read_text()), start=1):
            yield pytest.param(match.group(1), id=f"{path.name}:{number}")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(record=False).serve_in_thread() as server:
        yield server


def sample_names() -> dict[str, Any]:
    return {
        "run_id": "run-1",
        "job_id": "job-1",
        "run_ids": [f"run-{i}" for i in range(20)],
        "job_ids": [f"job-{i}" for i in range(20)],
        "read_ids": lambda: (f"run-{i}" for i in range(20)),
        "save": lambda value: None,
        "store": lambda value: None,
        "log": lambda *values: None,
    }


async def close_clients(namespace: dict[str, Any]) -> None:
    for value in namespace.values():
        if isinstance(value, AsyncLlamaCloud):
            await value.close()
        elif isinstance(value, LlamaCloud):
            value.close()


async def run_tests_defined(namespace: dict[str, Any]) -> None:
    for name, value in list(namespace.items()):
        if name.startswith("test_") and inspect.iscoroutinefunction(value):
            await value()


@pytest.mark.parametrize("code", list(examples()))
def test_example_runs(code: str, fake: FakeLlamaCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", "docs-example-key")
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", fake.base_url)
    compiled = compile(code, "<docs example>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict[str, Any] = {"__name__": "docs_example", **sample_names()}

    async def run_async_block() -> None:
        async with AsyncLlamaCloud() as client:
            namespace["client"] = client
            await eval(compiled, namespace)
            await run_tests_defined(namespace)
            await close_clients(namespace)

    if compiled.co_flags & inspect.CO_COROUTINE:
        asyncio.run(run_async_block())
    else:
        exec(compiled, namespace)

        async def finish() -> None:
            await run_tests_defined(namespace)
            await close_clients(namespace)

        asyncio.run(finish())
