"""The lifecycle methods take every parameter the official SDK's do, in the same places
and with the same polling defaults, so a changed import is all a caller changes."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from llamacloud_async import AsyncLlamaCloud, LlamaCloud

from .conftest import API_KEY

V2_METHODS = ("create", "list", "cancel", "delete", "get", "wait_for_completion", "run")
V1_METHODS = {
    "jobs": ("create", "get", "list", "get_result", "wait_for_completion", "extract"),
    "runs": ("list", "delete", "get", "get_by_job"),
}


def shape(method: Callable[..., Any]) -> dict[str, tuple[str, str]]:
    """Each parameter's kind, and its default when it is a polling number or strategy."""
    result: dict[str, tuple[str, str]] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "self":
            continue
        polling = name in {"polling_interval", "max_interval", "backoff", "verbose", "polling_timeout"}
        default = repr(parameter.default) if polling else ""
        result[name] = (parameter.kind.name, default)
    return result


def assert_covers(ours: dict[str, tuple[str, str]], official: dict[str, tuple[str, str]], where: str) -> None:
    for name, (kind, default) in official.items():
        assert name in ours, f"{where} lacks {name}"
        assert ours[name][0] == kind, f"{where}: {name} is {ours[name][0]}, officially {kind}"
        assert ours[name][1] == default, f"{where}: {name} defaults to {ours[name][1]}, officially {default}"
    positional = [n for n, (k, _) in official.items() if k != "KEYWORD_ONLY"]
    assert [n for n, (k, _) in ours.items() if k != "KEYWORD_ONLY"] == positional, where


@pytest.mark.parametrize("name", V2_METHODS)
def test_v2_methods_take_the_official_parameters(name: str) -> None:
    from llama_cloud.resources.extract import AsyncExtractResource, ExtractResource

    async_client = AsyncLlamaCloud(api_key=API_KEY)
    sync_client = LlamaCloud(api_key=API_KEY)
    assert_covers(
        shape(getattr(async_client.extract, name)), shape(getattr(AsyncExtractResource, name)), name
    )
    assert_covers(shape(getattr(sync_client.extract, name)), shape(getattr(ExtractResource, name)), name)
    if name in {"wait_for_completion", "run"}:
        timeout = "polling_timeout" if name == "run" else "timeout"
        ours = inspect.signature(getattr(async_client.extract, name)).parameters[timeout].default
        assert ours == inspect.signature(getattr(AsyncExtractResource, name)).parameters[timeout].default


_V1_SHAPES = """
import inspect, json
from llama_cloud.resources.extraction.jobs import AsyncJobsResource
from llama_cloud.resources.extraction.runs import AsyncRunsResource
classes = {"jobs": AsyncJobsResource, "runs": AsyncRunsResource}
methods = json.loads(input())
out = {}
for group, names in methods.items():
    for name in names:
        params = inspect.signature(getattr(classes[group], name)).parameters
        out[f"{group}.{name}"] = {n: [p.kind.name, repr(p.default)] for n, p in params.items()}
print(json.dumps(out))
"""


def test_v1_methods_take_the_official_parameters() -> None:
    path = os.environ.get("LLAMACLOUD_V1_SDK_PATH")
    if not path:
        pytest.skip("LLAMACLOUD_V1_SDK_PATH is not set; `nox -s tests` installs llama-cloud 1.6.0 there")
    completed = subprocess.run(
        [sys.executable, "-c", _V1_SHAPES],
        input=json.dumps(V1_METHODS),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        check=True,
    )
    official_shapes = json.loads(completed.stdout)
    client = AsyncLlamaCloud(api_key=API_KEY)
    for where, parameters in official_shapes.items():
        group, name = where.split(".")
        official = {
            n: (kind, default if n in {"polling_interval", "max_interval", "backoff", "verbose"} else "")
            for n, (kind, default) in parameters.items()
            if n != "self"
        }
        ours = shape(getattr(getattr(client.extraction, group), name))
        assert_covers(ours, official, where)
