"""Bad input raises a clear error before any request is sent."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from llamacloud_async import EXPAND_VALUES, AsyncLlamaCloud, LlamaCloudError

from .conftest import API_KEY


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("", "non-empty"),
        ("   ", "non-empty"),
        (" run", "whitespace"),
        ("run\n", "whitespace"),
        (".", "cannot be '.'"),
        ("..", "cannot be '..'"),
        ("a/b", "'/'"),
        ("../admin", "'/'"),
        ("a?b=1", "'?'"),
        ("a#frag", "'#'"),
        ("a\\b", "'\\\\\\\\'"),
        ("a\x00b", "'\\\\x00'"),
        ("a\rb", "'\\\\r'"),
        ("a\x7fb", "'\\\\x7f'"),
        ("x" * 1025, "longer than 1024"),
    ],
)
async def test_bad_ids_raise_value_error_naming_the_parameter(
    client: AsyncLlamaCloud, mocked: aioresponses, bad_id: str, message: str
) -> None:
    calls = [
        ("job_id", client.extract.get),
        ("job_id", client.extraction.jobs.get_result),
        ("run_id", client.extraction.runs.get),
        ("job_id", client.extraction.runs.get_by_job),
    ]
    for name, method in calls:
        with pytest.raises(ValueError, match=message) as caught:
            await method(bad_id)
        assert str(caught.value).startswith(name)
    assert mocked.requests == {}


async def test_non_string_id_raises_type_error(client: AsyncLlamaCloud, mocked: aioresponses) -> None:
    with pytest.raises(TypeError, match="run_id must be a str, not int"):
        await client.extraction.runs.get(123)  # type: ignore[arg-type]
    assert mocked.requests == {}


@pytest.mark.parametrize("expand", [["configuration", "bogus"], "metadata", [""]])
async def test_unknown_expand_lists_the_allowed_values(
    client: AsyncLlamaCloud, mocked: aioresponses, expand: list[str] | str
) -> None:
    with pytest.raises(ValueError, match="unknown expand") as caught:
        await client.extract.get("job", expand=expand)
    for allowed in EXPAND_VALUES:
        assert allowed in str(caught.value)
    assert mocked.requests == {}


@pytest.mark.parametrize("param", ["organization_id", "project_id"])
async def test_blank_scope_parameters_are_refused(
    client: AsyncLlamaCloud, mocked: aioresponses, param: str
) -> None:
    with pytest.raises(ValueError, match=param):
        await client.extraction.runs.get("r", **{param: " "})
    assert mocked.requests == {}


@pytest.mark.parametrize("timeout", [0, -1.0, "10", True])
async def test_bad_per_call_timeout_is_refused(
    client: AsyncLlamaCloud, mocked: aioresponses, timeout: object
) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        await client.extraction.runs.get("r", timeout=timeout)  # type: ignore[arg-type]
    assert mocked.requests == {}


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("api.cloud.llamaindex.ai", "absolute http"),
        ("ftp://api.cloud.llamaindex.ai", "absolute http"),
        ("https://", "absolute http"),
        ("https://user:pw@api.cloud.llamaindex.ai", "credentials"),
        ("https://api.cloud.llamaindex.ai/?x=1", "query or fragment"),
        ("https://api.cloud.llamaindex.ai/#top", "query or fragment"),
        ("http://[::1", "not a valid URL"),
        ("https://exa mple.com", "whitespace"),
        ("https://api.cloud.llamaindex.ai/api v1", "whitespace"),
        ("https://a..b", "not a host name"),
        ("https://ho<st>", "not a host name"),
    ],
)
def test_bad_base_url_fails_at_construction(base_url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AsyncLlamaCloud(api_key=API_KEY, base_url=base_url)


@pytest.mark.parametrize(
    "base_url",
    ["https://bücher.example", "http://[::1]:8080", "https://my_service:8443", "https://api.example.com."],
)
def test_unusual_but_valid_base_urls_are_accepted(base_url: str) -> None:
    AsyncLlamaCloud(api_key=API_KEY, base_url=base_url)


def test_base_url_keeps_a_path_prefix_and_drops_trailing_slash() -> None:
    client = AsyncLlamaCloud(api_key=API_KEY, base_url="https://proxy.example/llama/")
    assert client.base_url == "https://proxy.example/llama"


def test_base_url_and_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLAMA_CLOUD_API_KEY", API_KEY)
    monkeypatch.setenv("LLAMA_CLOUD_BASE_URL", "https://eu.example")
    assert AsyncLlamaCloud().base_url == "https://eu.example"


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLAMA_CLOUD_BASE_URL", raising=False)
    assert AsyncLlamaCloud(api_key=API_KEY).base_url == "https://api.cloud.llamaindex.ai"


@pytest.mark.parametrize("env_value", [None, ""])
def test_missing_key_names_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, env_value: str | None
) -> None:
    if env_value is None:
        monkeypatch.delenv("LLAMA_CLOUD_API_KEY", raising=False)
    else:
        monkeypatch.setenv("LLAMA_CLOUD_API_KEY", env_value)
    with pytest.raises(LlamaCloudError, match="LLAMA_CLOUD_API_KEY"):
        AsyncLlamaCloud()


def test_key_with_line_break_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="line break") as caught:
        AsyncLlamaCloud(api_key="secret-value\r\nX-Injected: 1")
    assert "secret-value" not in str(caught.value)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("timeout", 0),
        ("max_retries", -1),
        ("max_response_size", -5),
        ("max_connections", 1.5),
        ("retry_backoff", 0),
        ("max_retry_after", -1),
    ],
)
def test_bad_client_options_are_refused(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=option):
        AsyncLlamaCloud(api_key=API_KEY, **{option: value})  # type: ignore[arg-type]
