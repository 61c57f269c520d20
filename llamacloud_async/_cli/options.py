"""Options shared by `get` and `fetch`: the client's, and the scope of each request."""

from __future__ import annotations

import argparse
from typing import Any

from .._client import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncLlamaCloud
from .._validation import EXPAND_VALUES
from .kinds import Kind
from .messages import UsageError


def add_client_options(parser: argparse.ArgumentParser, *, expand: bool = True) -> None:
    """Add the client and request-scope options to a command.

    Args:
        parser: The command's parser.
        expand: Whether the command takes `--expand`.
    """
    group = parser.add_argument_group("client")
    group.add_argument(
        "--api-key",
        help="the API key (default: $LLAMA_CLOUD_API_KEY); prefer LLAMA_CLOUD_API_KEY over this "
        "flag, which is visible in ps to other users of the machine",
    )
    group.add_argument(
        "--base-url", help=f"the API's root URL (default: $LLAMA_CLOUD_BASE_URL, else {DEFAULT_BASE_URL})"
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="seconds one attempt may take (default: %(default)s)",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help="retries after a failed attempt (default: %(default)s)",
    )
    group.add_argument("--project-id", help="the project to work in")
    group.add_argument("--organization-id", help="the organization to work in")
    if not expand:
        parser.set_defaults(expand=None)
        return
    group.add_argument(
        "--expand",
        action="extend",
        type=expand_list,
        metavar="VALUES",
        help=(
            "for v2 extract jobs (get/fetch extract, wait): extra sections, comma-separated or "
            f"repeated ({', '.join(EXPAND_VALUES)})"
        ),
    )


def expand_list(text: str) -> list[str]:
    """The comma-separated `--expand` values in `text`; an argparse type.

    Args:
        text: One `--expand` argument, as `configuration,usage`.

    Returns:
        The values, in order.

    Raises:
        argparse.ArgumentTypeError: A value is not one the API knows.
    """
    values = [value.strip() for value in text.split(",") if value.strip()]
    for value in values:
        if value not in EXPAND_VALUES:
            raise argparse.ArgumentTypeError(
                f"unknown value {value!r}; choose from {', '.join(EXPAND_VALUES)}"
            )
    return values


def seconds(text: str) -> float:
    """`text` as a number of seconds above 0; an argparse type.

    Args:
        text: The option's argument.

    Returns:
        The seconds.

    Raises:
        argparse.ArgumentTypeError: It is not a finite number above 0.
    """
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """`text` as an int of at least 1; an argparse type.

    Args:
        text: The option's argument.

    Returns:
        The number.

    Raises:
        argparse.ArgumentTypeError: It is not a positive whole number.
    """
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def new_client(args: argparse.Namespace) -> AsyncLlamaCloud:
    """The client the options describe.

    Args:
        args: The parsed command line.

    Returns:
        A client, to be used with `async with`.
    """
    return AsyncLlamaCloud(
        api_key=args.api_key, base_url=args.base_url, timeout=args.timeout, max_retries=args.max_retries
    )


def request_scope(args: argparse.Namespace, kind: Kind) -> dict[str, Any]:
    """The keyword arguments every request of this command carries.

    Args:
        args: The parsed command line.
        kind: The kind of item requested.

    Returns:
        `organization_id`, `project_id` and, for kinds that take it, `expand`.

    Raises:
        UsageError: `--expand` was given for a kind that does not take it.
    """
    scope: dict[str, Any] = {"organization_id": args.organization_id, "project_id": args.project_id}
    if args.expand:
        if not kind.expand:
            raise UsageError("--expand only applies to extract")
        scope["expand"] = args.expand
    return scope
