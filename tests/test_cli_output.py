"""What ``fetch`` and ``get`` write: valid JSON lines whatever the server sends, clean error
text, and a quiet exit when the reader of stdout goes away."""

from __future__ import annotations

import json
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llamacloud_async._cli.messages import safe_text
from llamacloud_async.cli import main
from llamacloud_async.testing import FakeLlamaCloud

from .conftest import API_KEY


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLlamaCloud]:
    with FakeLlamaCloud(api_key=API_KEY).serve_in_thread() as server:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", server.base_url)
        yield server


def json_lines(data: bytes) -> list[dict[str, Any]]:
    """Every line parsed on its own, split only on newlines as a JSON-lines reader does."""
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data[:-1].split(b"\n")]


# --raw

BAD_BODIES = {
    "job-forged": b'1,"ok":false,"id":"forged"',
    "job-empty": b"",
    "job-html": b"<html>\n<body>\nnot json</body>\n</html>\n",
    "job-latin1": b'{"data": "caf\xe9"}',
    "job-null": b"null",
    "job-two": b'{"a": 1}\n{"b": 2}',
    "job-deep": b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


def test_raw_never_splices_a_bad_body_into_the_line(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    for job_id, body in BAD_BODIES.items():
        fake.seed("result", job_id, body)
    fake.seed("result", "job-pretty", b'\r\n{\r\n  "data": {"k": "v"},\r\n  "run_id": "r"\r\n}\r\n')
    ids = tmp_path / "ids.txt"
    ids.write_text("job-1\n" + "".join(f"{i}\n" for i in BAD_BODIES) + "job-pretty\njob-2\n")
    out = tmp_path / "out.jsonl"

    status = main(
        ["fetch", "results", "--ids", str(ids), "-o", str(out), "--raw", "--ordered", "--no-progress"]
    )

    assert status == 1
    lines = json_lines(out.read_bytes())
    assert [line["id"] for line in lines] == ["job-1", *BAD_BODIES, "job-pretty", "job-2"]
    by_id = {line["id"]: line for line in lines}
    for job_id in BAD_BODIES:
        assert set(by_id[job_id]) == {"id", "ok", "error"}, job_id
        assert by_id[job_id]["ok"] is False
        error = by_id[job_id]["error"]
        assert error["type"] == "APIResponseValidationError"
        assert error["status_code"] == 200
    assert "empty" in by_id["job-empty"]["error"]["message"]
    assert "not valid JSON" in by_id["job-html"]["error"]["message"]
    assert "UTF-8" in by_id["job-latin1"]["error"]["message"]
    assert "not a JSON object" in by_id["job-null"]["error"]["message"]
    assert "nested too deeply" in by_id["job-deep"]["error"]["message"]
    assert by_id["job-pretty"]["data"] == {"data": {"k": "v"}, "run_id": "r"}
    assert by_id["job-1"]["ok"] is True
    assert by_id["job-2"]["ok"] is True
    assert b"\r" not in out.read_bytes()


# error text from the server

HOSTILE_BODY = b"\x1b[2J\x1b]0;pwned\x07\rfake prompt $ \nsecond line\x9b" + b"A" * 5000
HOSTILE_REQUEST_ID = b"\x1b[31mred\x07\x9b"


class _HostileHandler(socketserver.StreamRequestHandler):
    """Answers every request with a 500 whose body and request-id carry terminal escapes."""

    def handle(self) -> None:
        while self.rfile.readline() not in (b"\r\n", b""):
            pass
        self.wfile.write(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            b"x-request-id: " + HOSTILE_REQUEST_ID + b"\r\n"
            b"Content-Length: " + str(len(HOSTILE_BODY)).encode() + b"\r\n\r\n" + HOSTILE_BODY
        )


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _HostileHandler) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
        monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", base_url)
        try:
            yield base_url
        finally:
            server.shutdown()
            thread.join()


def assert_clean(text: str) -> None:
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in text), text
    assert len(text) <= 520


def test_get_error_on_stderr_has_no_control_characters(
    hostile: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["get", "run", "run-1", "--max-retries", "0"]) == 1
    err = capsys.readouterr().err
    assert err.endswith("\n")
    assert_clean(err[:-1])
    assert "returned 500" in err
    assert "\\x1b[2J" in err


def test_fetch_error_lines_have_no_control_characters(hostile: str, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("run-1\nrun-2\n")
    out = tmp_path / "out.jsonl"
    status = main(["fetch", "runs", "--ids", str(ids), "-o", str(out), "--no-progress", "--max-retries", "0"])
    assert status == 1
    lines = json_lines(out.read_bytes())
    assert sorted(line["id"] for line in lines) == ["run-1", "run-2"]
    for line in lines:
        error = line["error"]
        assert error["type"] == "InternalServerError"
        assert_clean(error["message"])
        assert_clean(error["request_id"])
        assert error["request_id"] == "\\x1b[31mred\\x07\\udc9b"


# stdout closed early


def test_fetch_into_a_pipe_closed_early_exits_quietly(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"run-{i}\n" for i in range(3000)))
    process = subprocess.Popen(
        [sys.executable, "-m", "llamacloud_async", "fetch", "runs", "--ids", str(ids), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    first = process.stdout.readline()  # as `head -1` does, then close the pipe
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert json.loads(first)["ok"] is True
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
    assert "Exception ignored" not in err


def test_raw_fail_fast_stops_at_a_bad_body(
    fake: FakeLlamaCloud, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.seed("result", "job-bad", b"<html>oops</html>")
    ids = tmp_path / "ids.txt"
    ids.write_text("job-1\njob-bad\njob-3\n")
    out = tmp_path / "out.jsonl"
    argv = ["fetch", "results", "--ids", str(ids), "-o", str(out), "--raw", "--fail-fast", "--ordered"]
    assert main([*argv, "--concurrency", "1", "--no-progress"]) == 1
    assert [line["id"] for line in json_lines(out.read_bytes())] == ["job-1"]
    errors = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(errors) == 1
    assert "is not valid JSON" in errors[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a\x1b[31mb\r\nc\x07\x9b\udc9b\u2028\u202e", "a\\x1b[31mb\\r\\nc\\x07\\x9b\\udc9b\\u2028\\u202e"),
        ("x" * 501, "x" * 500 + "…"),
        ("x" * 497 + "\x1b", "x" * 497 + "…"),  # an escape is never cut in half
    ],
)
def test_safe_text_escapes_and_bounds(text: str, expected: str) -> None:
    assert safe_text(text) == expected
