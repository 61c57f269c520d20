"""The hand-written base of the generated sync ``LlamaCloud`` client."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

from ._client import AsyncLlamaCloud
from ._portal import Runtime

Self = TypeVar("Self", bound="SyncClient")


class SyncClient:
    """Runs an ``AsyncLlamaCloud`` on a private event-loop thread, for sync code."""

    _async: AsyncLlamaCloud
    _runtime: Runtime

    def __init__(self, async_client: AsyncLlamaCloud) -> None:
        self._async = async_client
        self._runtime = Runtime(async_client.close)

    @property
    def base_url(self) -> str:
        """The API's root URL."""
        return self._async.base_url

    def close(self) -> None:
        """Close the HTTP session and stop the loop thread. The client cannot be used afterwards."""
        self._runtime.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key=<redacted>)"

    def _view(self: Self, async_client: AsyncLlamaCloud) -> Self:
        """A client sharing this one's loop thread, over ``async_client``."""
        view = type(self).__new__(type(self))
        view._async = async_client
        view._runtime = self._runtime
        return view
