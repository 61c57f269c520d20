"""``python -m llamacloud_async``: the command-line tool."""

from .cli import main

raise SystemExit(main())
