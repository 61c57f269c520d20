"""The kinds of item the command line gets and fetches: one table, one row per kind."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .._client import AsyncLlamaCloud
from ..bulk import BulkFetch


@dataclass(frozen=True)
class Kind:
    """One kind of item: its names, where its resource hangs off the client, its methods."""

    name: str
    """The singular name, as in `get run RUN_ID`."""
    plural: str
    """The plural name, as in `fetch runs --ids FILE`; both names work for both commands."""
    resource: tuple[str, ...]
    """Attributes from the client to the resource: `("extraction", "runs")`."""
    single: str
    """The resource's method that gets one item."""
    bulk: str
    """The resource's method that fetches many."""
    expand: bool
    """Whether the methods take `expand`."""
    about: str
    """What the item is, for help text."""

    def get_one(self, client: AsyncLlamaCloud) -> Callable[..., Awaitable[Any]]:
        """The bound method that gets one item of this kind.

        Args:
            client: The client to call it on.

        Returns:
            The method, as `client.extraction.runs.get`.
        """
        method: Callable[..., Awaitable[Any]] = getattr(self._resource(client), self.single)
        return method

    def get_many(self, client: AsyncLlamaCloud, *, raw: bool) -> Callable[..., BulkFetch[Any]]:
        """The bound bulk method for this kind.

        Args:
            client: The client to call it on.
            raw: Take it from the resource's `with_raw_response`, so items carry a
                `AsyncAPIResponse` instead of a model.

        Returns:
            The method, as `client.extraction.runs.get_many`.
        """
        resource = self._resource(client)
        if raw:
            resource = resource.with_raw_response
        method: Callable[..., BulkFetch[Any]] = getattr(resource, self.bulk)
        return method

    def _resource(self, client: AsyncLlamaCloud) -> Any:
        resource: Any = client
        for attribute in self.resource:
            resource = getattr(resource, attribute)
        return resource


# fmt: off
KINDS = (
    Kind("extract", "extract", ("extract",), "get", "get_many", expand=True,
         about="a v2 extract job, by job ID"),
    Kind("run", "runs", ("extraction", "runs"), "get", "get_many", expand=False,
         about="a v1 extraction run, by run ID"),
    Kind("run-by-job", "runs-by-job", ("extraction", "runs"), "get_by_job", "get_many_by_job", expand=False,
         about="the v1 extraction run of a job, by job ID"),
    Kind("result", "results", ("extraction", "jobs"), "get_result", "get_results", expand=False,
         about="a v1 extraction job's result, by job ID"),
)
# fmt: on

_BY_NAME = {name: kind for kind in KINDS for name in (kind.name, kind.plural)}

KIND_HELP = "; ".join("/".join(dict.fromkeys((kind.name, kind.plural))) + f": {kind.about}" for kind in KINDS)
"""For help text: `extract: a v2 extract job, by job ID; run/runs: ...`."""


def parse_kind(text: str) -> Kind:
    """The kind named `text`, singular or plural; an argparse type.

    Args:
        text: The name on the command line.

    Returns:
        The kind's row.

    Raises:
        argparse.ArgumentTypeError: No kind has that name.
    """
    kind = _BY_NAME.get(text)
    if kind is None:
        choices = ", ".join(_BY_NAME)
        raise argparse.ArgumentTypeError(f"unknown kind {text!r}; choose from {choices}")
    return kind
