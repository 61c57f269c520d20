"""Deferred imports: ``import llamacloud_async`` stays fast, and heavy dependencies load
on first use (aiohttp alone costs about 190 ms of start-up on a small machine)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """Imports the named module on the first attribute access, then caches each attribute."""

    def __init__(self, name: str) -> None:
        super().__init__(name)

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self.__name__), attribute)
        setattr(self, attribute, value)
        return value
