"""The options that shape the transport: base_url, proxy and verify, and how they are checked."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from llamacloud_async import DEFAULT_BASE_URL, AsyncLlamaCloud

from .conftest import API_KEY
from .tlscerts import make_ca


@pytest.mark.parametrize("base_url", ["", "   "])
def test_an_empty_base_url_is_an_error_not_production(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an absolute"):
        AsyncLlamaCloud(api_key=API_KEY, base_url=base_url)


def test_with_options_refuses_an_empty_base_url() -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="base_url"):
        client.with_options(base_url="")


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_base_url_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", value)
    assert AsyncLlamaCloud(api_key=API_KEY).base_url == DEFAULT_BASE_URL


def test_none_reads_the_base_url_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "http://127.0.0.1:8080/")
    assert AsyncLlamaCloud(api_key=API_KEY, base_url=None).base_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("proxy", ["ftp://proxy:21", "proxy:3128", "http://", 3128])
def test_a_proxy_must_be_an_http_url(proxy: object) -> None:
    with pytest.raises(ValueError, match="proxy must be an absolute http"):
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", proxy=proxy)  # type: ignore[arg-type]


def test_a_bad_proxy_with_credentials_does_not_echo_them() -> None:
    with pytest.raises(ValueError, match="proxy") as caught:
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", proxy="socks5://u:hunter2pass@p:1")
    assert "hunter2pass" not in str(caught.value)


def test_verify_needs_an_existing_bundle(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no CA bundle"):
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", verify=str(tmp_path / "missing.pem"))
    with pytest.raises(TypeError, match="verify must be"):
        AsyncLlamaCloud(api_key=API_KEY, base_url="http://127.0.0.1:9", verify=1)  # type: ignore[arg-type]


def test_proxy_and_verify_are_readable_and_fixed_once_made(tmp_path: Path) -> None:
    bundle = make_ca(tmp_path).ca_file
    context = ssl.create_default_context()
    client = AsyncLlamaCloud(
        api_key=API_KEY, base_url="http://127.0.0.1:9", proxy="http://p:3128", verify=bundle
    )
    assert (client.proxy, client.verify) == ("http://p:3128", str(bundle))
    with pytest.raises(AttributeError, match="with_options"):
        client.proxy = None
    view = client.with_options(verify=context, proxy=None)
    assert (view.proxy, view.verify) == (None, context)
