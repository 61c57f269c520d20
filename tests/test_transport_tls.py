"""TLS: the system store or SSL_CERT_FILE by default, `verify=` for a bundle, a context or off."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from yarl import URL

from llamacloud_async import APIConnectionError, AsyncLlamaCloud, InsecureTLSWarning
from llamacloud_async._config import Verify
from llamacloud_async._request import Request
from llamacloud_async._transport import Transport
from llamacloud_async.cli import main

from .conftest import API_KEY, fixture_bytes
from .rawhttp import RawServer, http
from .tlscerts import Authority, make_ca

RUN = fixture_bytes("extraction_run.json")


def serve_run(_: object) -> bytes:
    return http(200, {"Content-Type": "application/json"}, RUN)


@pytest.fixture
def tls(tmp_path: Path) -> Authority:
    return make_ca(tmp_path)


@pytest.fixture(autouse=True)
def no_certificate_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


async def send_with(verify: Verify, server: RawServer) -> int:
    transport = Transport({"Authorization": f"Bearer {API_KEY}"}, max_connections=1, verify=verify)
    url = URL(f"{server.url}/api/v1/extraction/runs/run-1")
    try:
        return (await transport.send(Request("GET", url.path), url, 5.0, 1_000_000)).status
    finally:
        await transport.close()


async def test_an_unknown_certificate_authority_is_a_tls_error_and_not_retried(tls: Authority) -> None:
    async with (
        RawServer(serve_run, ssl_context=tls.server_context) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=2) as client,
    ):
        with pytest.raises(APIConnectionError, match="TLS error") as caught:
            await client.extraction.runs.get("run-1")
    assert caught.value.attempts == 1
    assert isinstance(caught.value.__cause__, ssl.SSLError)
    assert API_KEY not in repr(caught.value.__cause__)


async def test_ssl_cert_file_is_trusted_by_default(tls: Authority, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    async with (
        RawServer(serve_run, ssl_context=tls.server_context) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        run = await client.extraction.runs.get("run-1")
    assert run.id
    assert server.requests[0].header_lines("Authorization") == [f"Bearer {API_KEY}"]


def hashed_directory(ca_file: Path) -> Path:
    """A directory OpenSSL can look the CA up in (`<subject hash>.0`), as `SSL_CERT_DIR` needs."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to name a certificate directory's files")
    subject_hash = subprocess.run(
        [openssl, "x509", "-hash", "-noout", "-in", str(ca_file)], capture_output=True, text=True, check=True
    ).stdout.strip()
    directory = ca_file.parent / "certs"
    directory.mkdir()
    shutil.copy(ca_file, directory / f"{subject_hash}.0")
    return directory


async def test_ssl_cert_dir_is_trusted_by_default(tls: Authority, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(hashed_directory(tls.ca_file)))
    async with (
        RawServer(serve_run, ssl_context=tls.server_context) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        assert (await client.extraction.runs.get("run-1")).id


async def test_verify_takes_a_directory_in_the_transport(tls: Authority) -> None:
    async with RawServer(serve_run, ssl_context=tls.server_context) as server:
        assert await send_with(str(hashed_directory(tls.ca_file)), server) == 200


@pytest.mark.parametrize("kind", ["path", "pathlib", "context"])
async def test_verify_takes_a_bundle_or_a_context_in_the_transport(tls: Authority, kind: str) -> None:
    verify: Verify = {
        "path": str(tls.ca_file),
        "pathlib": tls.ca_file,
        "context": ssl.create_default_context(cafile=str(tls.ca_file)),
    }[kind]
    async with RawServer(serve_run, ssl_context=tls.server_context) as server:
        assert await send_with(verify, server) == 200


async def test_verify_false_connects_without_checking_in_the_transport(tls: Authority) -> None:
    async with RawServer(serve_run, ssl_context=tls.server_context) as server:
        assert await send_with(False, server) == 200


def test_verify_false_warns() -> None:
    with pytest.warns(InsecureTLSWarning, match="not checked"):
        client = AsyncLlamaCloud(api_key=API_KEY, base_url="https://api.example", verify=False)
    assert client.verify is False


async def test_verify_a_bundle_path(tls: Authority) -> None:
    async with (
        RawServer(serve_run, ssl_context=tls.server_context) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, verify=str(tls.ca_file)) as client,
    ):
        assert (await client.extraction.runs.get("run-1")).id


NOT_A_BUNDLE = b"not a certificate\n"


@pytest.mark.parametrize("problem", ["missing", "not a bundle"])
async def test_a_stale_certificate_variable_is_a_value_error_naming_it_at_construction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    path = tmp_path / "stale.pem"
    if problem == "not a bundle":
        path.write_bytes(NOT_A_BUNDLE)
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    async with RawServer(serve_run) as server:  # a plain http:// API: no TLS involved
        with pytest.raises(ValueError, match="\\$SSL_CERT_FILE: cannot load a CA bundle") as caught:
            AsyncLlamaCloud(api_key=API_KEY, base_url=server.url)
    assert str(path) in str(caught.value)
    assert not server.requests


def test_verify_a_file_that_is_not_a_bundle_is_a_value_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "hostname"
    path.write_bytes(NOT_A_BUNDLE)
    with pytest.raises(ValueError, match="verify: cannot load a CA bundle") as caught:
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", verify=path)
    assert str(path) in str(caught.value)


def test_the_cli_prints_one_line_for_a_stale_certificate_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "gone.pem"))
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "http://127.0.0.1:9")
    assert main(["get", "run", "run-1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "$SSL_CERT_FILE" in err
    assert "gone.pem" in err
    assert "Traceback" not in err
