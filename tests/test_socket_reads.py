"""Responses are read into reused heap memory, not freshly mapped pages each time."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from llamacloud_async.testing import FakeLlamaCloud

# A fresh interpreter: the test process has long since freed big buffers of its own.
_CLIENT = """
import asyncio, resource, sys
from llamacloud_async import AsyncLlamaCloud

async def main(base_url):
    async with AsyncLlamaCloud(api_key="k", base_url=base_url) as client:
        for i in range(50):
            await client.extract.get(f"ext-{i}")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for i in range(300):
            await client.extract.get(f"ext-{i}")
        print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 300)

asyncio.run(main(sys.argv[1]))
"""


@pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mmap threshold"
)
def test_a_fresh_process_reads_responses_without_a_page_fault_each() -> None:
    # Before, every response cost a fresh 256 KiB mapping: two page faults per request.
    with FakeLlamaCloud(rows=21, record=False).serve_in_thread() as fake:
        output = subprocess.run(
            [sys.executable, "-c", _CLIENT, fake.base_url], capture_output=True, text=True, check=True
        ).stdout
    faults_per_request = float(output)
    assert faults_per_request < 0.5
