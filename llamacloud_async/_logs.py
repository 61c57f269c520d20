"""``LLAMA_CLOUD_LOG=debug|info``: turn on this package's log lines, as the official SDK does."""

from __future__ import annotations

import logging
import os

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def setup_logging() -> None:
    """Log the ``llamacloud_async`` logger to stderr at the level ``LLAMA_CLOUD_LOG`` names.

    ``debug`` logs each attempt (method, URL, status, time); ``info`` each retry. Any other
    value, or none, leaves logging to the application.
    """
    level = _LEVELS.get(os.environ.get("LLAMA_CLOUD_LOG", "").strip().lower())
    if level is None:
        return
    logging.basicConfig(
        format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s", datefmt="%Y-%m-%d %H:%M:%S"
    )
    logging.getLogger("llamacloud_async").setLevel(level)
