"""What the fake extracts from an uploaded document: ``key: value`` lines, then a hash.

A document whose text holds ``vendor: Acme`` and ``total: 1,250.50`` lines extracts
``{"vendor": "Acme", "total": 1250.5}`` for a schema with those properties, values cast
to each property's JSON Schema type. Properties the text does not name get the value
``result_for`` derives from the text's hash. The same text and schema always give the
same result, whatever the file's name or ID.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, cast

from ._results import result_for

__all__ = ["result_from_text"]

_LINE = re.compile(r"^\s*([A-Za-z][\w \-]{0,63}?)\s*:\s*(.+?)\s*$", re.MULTILINE)
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def result_from_text(text: str, configuration: Mapping[str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    """The ``extract_result`` of a document with ``text`` under ``configuration``."""
    seed = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
    base = result_for(seed, configuration)
    schema = cast("Mapping[str, Any]", configuration.get("data_schema") or {})
    properties: object = schema.get("properties")
    if not isinstance(properties, Mapping):
        return base
    named = _named_values(text)
    found: dict[str, Any] = {}
    for name, sub in cast("Mapping[str, Any]", properties).items():
        raw = named.get(_key(str(name)))
        if raw is not None:
            value = _cast(raw, cast("Mapping[str, Any]", sub) if isinstance(sub, Mapping) else {})
            if value is not None:
                found[str(name)] = value
    if isinstance(base, list):
        return [{**item, **found} for item in base]
    return {**base, **found}


def _named_values(text: str) -> dict[str, str]:
    """The first value of each ``key: value`` line, by normalized key."""
    values: dict[str, str] = {}
    for match in _LINE.finditer(text):
        values.setdefault(_key(match.group(1)), match.group(2))
    return values


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _cast(raw: str, schema: Mapping[str, Any]) -> Any:
    """``raw`` as the schema's type; ``None`` when it cannot be one."""
    kind: object = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in cast("list[Any]", kind) if k != "null"), None)
    if kind in ("integer", "number"):
        match = _NUMBER.search(raw)
        if match is None:
            return None
        number = float(match.group().replace(",", ""))
        return int(number) if kind == "integer" else number
    if kind == "boolean":
        lowered = raw.lower()
        return True if lowered in ("true", "yes", "1") else False if lowered in ("false", "no", "0") else None
    if kind == "array":
        items = cast("Mapping[str, Any]", schema.get("items") or {})
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if items.get("type", "string") == "string":
            return parts
        return None
    if kind in ("string", None):
        return raw
    return None
