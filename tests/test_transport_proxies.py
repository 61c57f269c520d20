"""Proxies: the environment by default, `proxy=` over it; for https only a CONNECT tunnel."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from yarl import URL

from llamacloud_async import APIConnectionError, AsyncLlamaCloud, ProxyAuthenticationError
from llamacloud_async._request import Request
from llamacloud_async._transport import Transport

from .conftest import API_KEY, fixture_bytes
from .forwardproxy import ForwardProxy
from .rawhttp import RawServer, http
from .tlscerts import Authority, make_ca

RUN = fixture_bytes("extraction_run.json")


def serve_run(_: object) -> bytes:
    return http(200, {"Content-Type": "application/json"}, RUN)


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def tls(tmp_path: Path) -> Authority:
    return make_ca(tmp_path)


@pytest.fixture
def dead_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


async def test_http_proxy_from_the_environment_carries_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ForwardProxy() as proxy, RawServer(serve_run) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client:
            run = await client.extraction.runs.get("run-1")
    assert run.id
    assert proxy.heads[0].startswith(f"GET {server.url}/api/v1/extraction/runs/run-1 HTTP/1.1".encode())
    assert len(server.requests) == 1


async def test_no_proxy_sends_the_request_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ForwardProxy() as proxy, RawServer(serve_run) as server:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client:
            await client.extraction.runs.get("run-1")
    assert not proxy.heads
    assert len(server.requests) == 1


async def test_an_https_api_through_a_proxy_is_a_connect_tunnel(
    monkeypatch: pytest.MonkeyPatch, tls: Authority
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
    async with ForwardProxy() as proxy, RawServer(serve_run, ssl_context=tls.server_context) as server:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client:
            run = await client.extraction.runs.get("run-1")
    assert run.id
    assert [head.split(b"\r\n")[0] for head in proxy.heads] == [
        f"CONNECT 127.0.0.1:{server.port} HTTP/1.1".encode()
    ]
    assert API_KEY.encode() not in proxy.seen  # the key only travelled inside TLS
    assert b"Authorization" not in proxy.seen
    assert server.requests[0].header_lines("Authorization") == [f"Bearer {API_KEY}"]


async def test_proxy_credentials_go_to_the_proxy_and_never_into_errors(
    monkeypatch: pytest.MonkeyPatch, dead_port: int
) -> None:
    password = "proxy-password-4411"
    async with ForwardProxy() as proxy, RawServer(serve_run) as server:
        monkeypatch.setenv("HTTP_PROXY", f"http://user:{password}@127.0.0.1:{proxy.port}")
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client:
            await client.extraction.runs.get("run-1")
    (head,) = proxy.heads
    assert b"\r\nProxy-Authorization: Basic dXNlcjpwcm94eS1wYXNzd29yZC00NDEx\r\n" in head
    assert head.count(b"Proxy-Authorization") == 1

    monkeypatch.setenv("HTTP_PROXY", f"http://user:{password}@127.0.0.1:{dead_port}")
    async with AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            await client.extraction.runs.get("run-1")
    shown = f"{caught.value!s} {caught.value!r} {caught.value.__cause__!r}"
    assert password not in shown
    assert "ClientProxyConnectionError" in str(caught.value)


async def test_the_proxy_option_beats_the_environment_in_the_transport(
    monkeypatch: pytest.MonkeyPatch, dead_port: int
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port}")
    async with ForwardProxy() as proxy, RawServer(serve_run) as server:
        transport = Transport({"Authorization": f"Bearer {API_KEY}"}, max_connections=1, proxy=proxy.url)
        url = URL(f"{server.url}/api/v1/extraction/runs/run-1")
        reply = await transport.send(Request("GET", url.path), url, 5.0, 1_000_000)
        await transport.close()
    assert reply.status == 200
    assert len(proxy.heads) == 1


async def test_the_proxy_option_beats_the_environment(
    monkeypatch: pytest.MonkeyPatch, dead_port: int
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port}")
    async with (
        ForwardProxy() as proxy,
        RawServer(serve_run) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, proxy=proxy.url) as client,
    ):
        await client.extraction.runs.get("run-1")
    assert len(proxy.heads) == 1


SECRET = "proxy-secret-7781"


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("HTTP_PROXY", "http://", "it has no host"),
        ("HTTP_PROXY", " ", "it has no host"),
        ("HTTP_PROXY", "http://[bad", "it is not a valid URL"),
        ("HTTP_PROXY", "http://host:99999", "it is not a valid URL"),
        ("HTTP_PROXY", f"http://u:{SECRET}@", "it is not a valid URL"),
        ("http_proxy", f"http://u:{SECRET}@:3128", "it is not a valid URL"),
        ("HTTP_PROXY", f"socks5://u:{SECRET}@127.0.0.1:1", "only http:// and https:// proxies work"),
        ("ALL_PROXY", f"socks5h://u:{SECRET}@127.0.0.1:1", "only http:// and https:// proxies work"),
    ],
)
async def test_an_unusable_proxy_variable_is_ignored_with_a_warning_naming_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, variable: str, value: str, problem: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="llamacloud_async")
    monkeypatch.setenv(variable, value)
    async with (
        RawServer(serve_run) as server,
        AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client,
    ):
        assert (await client.extraction.runs.get("run-1")).id
    assert len(server.requests) == 1  # direct
    (record,) = [r for r in caplog.records if "from the environment" in r.getMessage()]
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"ignoring {variable} from the environment: {problem}"
    assert SECRET not in caplog.text


async def test_all_proxy_carries_what_has_no_variable_of_its_own(
    monkeypatch: pytest.MonkeyPatch, dead_port: int
) -> None:
    async with ForwardProxy() as proxy, RawServer(serve_run) as server:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url) as client:
            await client.extraction.runs.get("run-1")
        assert len(proxy.heads) == 1

        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port}")  # its own wins
        async with AsyncLlamaCloud(api_key=API_KEY, base_url=server.url, max_retries=0) as client:
            with pytest.raises(APIConnectionError, match="ClientProxyConnectionError"):
                await client.extraction.runs.get("run-1")
        assert len(proxy.heads) == 1


@pytest.mark.parametrize("value", ["http://", "http://[bad", "http://host:99999", "http://u:p@"])
def test_a_malformed_proxy_option_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError, match="proxy must be an absolute http"):
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", proxy=value)


async def test_a_proxy_refusing_the_tunnel_with_407_fails_at_once_without_showing_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="llamacloud_async")
    heads: list[bytes] = []

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(
            b"HTTP/1.1 407 Proxy Authentication Required\r\n"
            b'Proxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AsyncLlamaCloud(
            api_key=API_KEY,
            base_url="https://127.0.0.1:9",
            proxy=f"http://user:{SECRET}@127.0.0.1:{port}",
            max_retries=3,
            retry_backoff=0.001,
        ) as client:
            with pytest.raises(ProxyAuthenticationError, match="407 Proxy Authentication Required") as caught:
                await client.extraction.runs.get("run-1")
    finally:
        server.close()
        await server.wait_closed()
    error = caught.value
    assert isinstance(error, APIConnectionError)
    assert error.attempts == 1
    assert len(heads) == 1
    assert heads[0].startswith(b"CONNECT 127.0.0.1:9 ")
    token = base64.b64encode(f"user:{SECRET}".encode()).decode()
    shown = "".join(traceback.format_exception(error)) + repr(error.__cause__) + caplog.text
    assert SECRET not in shown
    assert token not in shown
    assert API_KEY not in shown
