"""`get`: one item, printed as indented JSON."""

from __future__ import annotations

import argparse

import msgspec

from .._errors import APIError
from .kinds import Kind
from .messages import say
from .options import new_client, request_scope
from .output import write_stdout


async def get(args: argparse.Namespace) -> int:
    """Run `get`.

    Args:
        args: The parsed command line.

    Returns:
        0 when the item was printed, 1 when the request failed (the error is on stderr).

    Raises:
        UsageError: Bad options.
        OutputClosed: Stdout's reader went away.
    """
    kind: Kind = args.kind
    scope = request_scope(args, kind)
    async with new_client(args) as client:
        try:
            value = await kind.get_one(client)(args.id, **scope)
        except APIError as error:
            say(str(error))
            return 1
    write_stdout(msgspec.json.format(msgspec.json.encode(value), indent=2) + b"\n")
    return 0
