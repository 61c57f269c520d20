"""The migration promise, checked: official-style scripts pass with only the import changed.

Each script in ``tests/migration/`` is written against the official ``llama-cloud`` SDK
(``v2_async.py`` against 2.19, ``v1_sync.py`` against 1.6). Each runs twice in a
subprocess against a ``FakeLlamaCloud`` served in a thread, its base URL and key in
``LLAMA_CLOUD_BASE_URL`` and ``LLAMA_CLOUD_API_KEY``:

- with the official SDK, which proves the script is real official usage;
- with ``llama_cloud`` replaced by ``llamacloud_async`` in its text, and nothing else.

Both runs must pass every step, and the server must have seen the same requests from
both. The faults a step needs are injected here, keyed by the IDs the scripts use, so
every step is deterministic.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import llamacloud_async
from llamacloud_async.testing import Delay, FakeLlamaCloud, RecordedRequest, Status

SCRIPTS = Path(__file__).parent / "migration"
API_KEY = "llx-migration-key"
SDKS = ("official", "llamacloud_async")
HINT = {"retry-after-ms": "20"}
"""A short retry hint, honoured alike by both SDKs, so retries take milliseconds."""

FAULTS: dict[str, list[Status | Delay]] = {
    "ext-raw-flaky": [Status(503, headers=HINT)],
    "ext-500": [Status(500)],
    "ext-slow": [Delay(3.0)],
    "ext-503": [Status(503, headers=HINT), Status(503, headers=HINT)],
    "ext-no-retry": [Status(503)],
    "ext-429": [Status(429, headers=HINT)],
    "ext-429-again": [Status(429, headers=HINT)],
    "run-429": [Status(429, headers=HINT)],
    "run-503": [Status(503, headers=HINT)],
    "run-500": [Status(500)],
    "run-slow": [Delay(3.0)],
}
"""What the server answers first for an ID, in order, before its normal answer."""

NOT_FOUND = {"ext-missing", "job-missing", "run-missing"}

SEEDED = {
    ("extract", "ext-new-field"): "extract_job",
    ("run", "run-new-field"): "extraction_run",
}
"""Bodies served with a field no released model declares (``review_state``)."""


@dataclass(frozen=True)
class Run:
    """One run of a script: what it printed and what the server received."""

    returncode: int
    stdout: str
    stderr: str
    requests: list[RecordedRequest]

    def steps(self, outcome: str) -> list[str]:
        return re.findall(rf"^{outcome} (\w+)", self.stdout, flags=re.MULTILINE)

    def requests_for(self, id: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.id == id]


def _script_text(script: str, sdk: str) -> str:
    text = (SCRIPTS / script).read_text()
    return text if sdk == "official" else text.replace("llama_cloud", "llamacloud_async")


def _pythonpath(script: str, sdk: str) -> str:
    """The official SDK comes from the environment (1.6 from ``LLAMACLOUD_V1_SDK_PATH``);
    this package from the checkout under test."""
    if sdk == "llamacloud_async":
        return str(Path(llamacloud_async.__file__).parent.parent)
    if script.startswith("v1"):
        path = os.environ.get("LLAMACLOUD_V1_SDK_PATH")
        if not path:
            pytest.skip("LLAMACLOUD_V1_SDK_PATH is not set; `nox -s tests` installs llama-cloud 1.6.0 there")
        return path
    return ""


def _prepared_fake() -> FakeLlamaCloud:
    from llamacloud_async.testing import _bodies

    fake = FakeLlamaCloud(api_key=API_KEY)
    for id_, faults in FAULTS.items():
        for fault in faults:
            fake.inject(fault, id=id_)
    fake.not_found_ids.update(NOT_FOUND)
    for (route, id_), kind in SEEDED.items():
        body = getattr(_bodies, kind)(id_)
        fake.seed(route, id_, {**body, "review_state": "approved"})
    return fake


def _run(script: str, sdk: str, tmp_path: Path) -> Run:
    pythonpath = _pythonpath(script, sdk)
    path = tmp_path / f"{sdk}_{script}"
    path.write_text(_script_text(script, sdk))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().endswith("_PROXY") and not name.startswith(("LLAMA_", "PYTHON"))
    }
    with _prepared_fake().serve_in_thread() as fake:
        env.update(LLAMA_CLOUD_API_KEY=API_KEY, LLAMA_CLOUD_BASE_URL=fake.base_url, PYTHONPATH=pythonpath)
        completed = subprocess.run(
            [sys.executable, "-W", "error", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr, list(fake.requests))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Run]:
    """Each (script, sdk) run once, on first use."""
    done: dict[tuple[str, str], Run] = {}

    def run(script: str, sdk: str) -> Run:
        if (script, sdk) not in done:
            done[script, sdk] = _run(script, sdk, tmp_path_factory.mktemp("migration"))
        return done[script, sdk]

    return run


SCRIPT_NAMES = sorted(path.name for path in SCRIPTS.glob("*.py"))


def _steps_of(script: str) -> list[str]:
    """The steps a script defines, in order, read from its text."""
    return re.findall(r"^@step\(\w+\)\n(?:async )?def (\w+)", (SCRIPTS / script).read_text(), re.MULTILINE)


@pytest.mark.parametrize("sdk", SDKS)
@pytest.mark.parametrize("script", SCRIPT_NAMES)
def test_every_step_passes(runs: Callable[[str, str], Run], script: str, sdk: str) -> None:
    run = runs(script, sdk)

    assert run.steps("FAIL") == [], run.stdout + run.stderr
    assert run.steps("ok") == _steps_of(script), run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("script", SCRIPT_NAMES)
def test_changed_import_leaves_no_warning_or_unclosed_resource(
    runs: Callable[[str, str], Run], script: str
) -> None:
    """Warnings are errors in the scripts, and unclosed sockets, sessions or transports
    (even those of an event loop that has ended) are reported on stderr."""
    assert runs(script, "llamacloud_async").stderr == ""


def test_changing_the_import_is_the_only_edit() -> None:
    for script in SCRIPT_NAMES:
        official, ours = _script_text(script, "official"), _script_text(script, "llamacloud_async")
        changed = [(a, b) for a, b in zip(official.splitlines(), ours.splitlines(), strict=True) if a != b]
        assert changed
        assert all(b == a.replace("llama_cloud", "llamacloud_async") for a, b in changed)
        assert "llamacloud_async" not in official


_Seen = tuple[str, str, list[tuple[str, str]]]
SECOND_LOOP_IDS = "ext-loop2-"


def _seen(run: Run) -> dict[str, list[_Seen]]:
    """Each ID's requests (method, path, query), in the order they arrived."""
    seen: dict[str, list[_Seen]] = {}
    for request in run.requests:
        seen.setdefault(request.id, []).append((request.method, request.path, sorted(request.query)))
    return seen


def _once_each(seen: dict[str, list[_Seen]]) -> dict[str, list[_Seen]]:
    """``seen`` with repeats of the same request collapsed, for the second event loop's
    IDs: the official client first tries a connection of the loop that ended, the server
    reads the request, the read fails and the client sends it again."""
    return {
        id_: [r for n, r in enumerate(requests) if n == 0 or r != requests[n - 1]]
        if id_.startswith(SECOND_LOOP_IDS)
        else requests
        for id_, requests in seen.items()
    }


@pytest.mark.parametrize("script", SCRIPT_NAMES)
def test_both_sdks_send_the_same_requests(runs: Callable[[str, str], Run], script: str) -> None:
    official, ours = runs(script, "official"), runs(script, "llamacloud_async")

    assert _seen(ours) == _once_each(_seen(official))


def test_a_second_event_loop_costs_no_extra_request(runs: Callable[[str, str], Run]) -> None:
    ours = runs("v2_async.py", "llamacloud_async")

    assert all(len(ours.requests_for(f"ext-loop2-{n}")) == 1 for n in range(5))
    assert len(ours.requests_for("ext-loop2-first")) == 1


ATTEMPTS = {
    ("v2_async.py", "ext-503"): 3,
    ("v2_async.py", "ext-raw-flaky"): 2,
    ("v2_async.py", "ext-no-retry"): 1,
    ("v2_async.py", "ext-500"): 1,
    ("v2_async.py", "ext-slow"): 1,
    ("v2_async.py", "ext-429"): 2,
    ("v2_async.py", "ext-429-again"): 1,
    ("v1_sync.py", "run-503"): 2,
    ("v1_sync.py", "run-429"): 2,
    ("v1_sync.py", "run-500"): 1,
    ("v1_sync.py", "run-slow"): 1,
}
"""Requests the server received for an ID whose first answers are faults."""


@pytest.mark.parametrize("sdk", SDKS)
@pytest.mark.parametrize(("script", "id_"), sorted(ATTEMPTS))
def test_retries_as_scripted(runs: Callable[[str, str], Run], sdk: str, script: str, id_: str) -> None:
    assert len(runs(script, sdk).requests_for(id_)) == ATTEMPTS[script, id_]


SENT: dict[tuple[str, str], tuple[dict[str, str], list[tuple[str, str]]]] = {
    ("v2_async.py", "ext-basic"): ({"Authorization": f"Bearer {API_KEY}"}, []),
    ("v2_async.py", "ext-expand"): (
        {},
        [("expand", "configuration"), ("expand", "extract_metadata"), ("expand", "usage")],
    ),
    ("v2_async.py", "ext-extras"): ({"X-Trace-Id": "trace-1"}, [("trace", "1"), ("expand", "usage")]),
    ("v2_async.py", "ext-team"): ({"X-Team": "finance"}, [("team", "finance")]),
    ("v2_async.py", "ext-auth"): ({"Authorization": "Bearer sk-wrong-key"}, []),
    ("v2_async.py", "ext-env-headers"): ({"X-Env-Team": "research", "X-Env-Run": "7"}, []),
    ("v1_sync.py", "run-1"): ({"Authorization": f"Bearer {API_KEY}"}, []),
    ("v1_sync.py", "run-scoped"): ({}, [("project_id", "prj-1"), ("organization_id", "org-1")]),
    ("v1_sync.py", "job-scoped"): ({}, [("project_id", "prj-1")]),
    ("v1_sync.py", "job-extras"): ({"X-Trace-Id": "trace-1"}, [("trace", "1")]),
    ("v1_sync.py", "run-team"): ({"X-Team": "finance"}, []),
}
"""Headers and query parameters the server must have received for an ID (among others)."""


@pytest.mark.parametrize("sdk", SDKS)
@pytest.mark.parametrize(("script", "id_"), sorted(SENT))
def test_the_server_receives_what_the_step_sent(
    runs: Callable[[str, str], Run], sdk: str, script: str, id_: str
) -> None:
    headers, query = SENT[script, id_]

    requests = runs(script, sdk).requests_for(id_)

    assert requests
    for request in requests:
        assert {name: request.headers.get(name) for name in headers} == headers
        assert sorted(pair for pair in request.query if pair in query) == sorted(query)
