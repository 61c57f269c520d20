"""What a completed job extracted: a deterministic value shaped by the job's data schema.

``result_for`` is the one place a fake job's ``extract_result`` (v2) or run ``data`` (v1)
comes from. Pass another function as ``FakeLlamaCloud(result_for=...)`` to compute results
from something else, such as an uploaded document's text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, cast

__all__ = ["ResultFor", "result_for"]

ResultFor = Callable[[str, Mapping[str, Any]], "dict[str, Any] | list[dict[str, Any]]"]
"""``(file_input, configuration) -> extract_result``; the signature of ``result_for``."""

_LIST_TARGETS = {"per_page": 2, "per_table_row": 3}
_MAX_DEPTH = 6


def result_for(file_input: str, configuration: Mapping[str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    """The result a job on ``file_input`` with ``configuration`` extracts.

    Every property of ``configuration["data_schema"]`` gets a value of its JSON Schema type,
    derived from a hash of the input and the property's path: the same input and
    configuration always give the same result. ``extraction_target`` ``per_page`` and
    ``per_table_row`` give a list of such objects, ``per_doc`` (the default) one object.
    """
    schema: Any = configuration.get("data_schema") or {}
    target = str(configuration.get("extraction_target") or "per_doc").lower()
    count = _LIST_TARGETS.get(target)
    if count is None:
        return _object(schema, f"{file_input}/doc", 0)
    return [_object(schema, f"{file_input}/{target}/{i}", 0) for i in range(count)]


def _mapping(value: object) -> Mapping[str, Any] | None:
    return cast("Mapping[str, Any]", value) if isinstance(value, Mapping) else None


def _object(schema: object, seed: str, depth: int) -> dict[str, Any]:
    properties = _mapping((_mapping(schema) or {}).get("properties"))
    if properties is None:
        return {}
    return {str(name): _value(sub, f"{seed}.{name}", depth + 1) for name, sub in properties.items()}


def _value(value: object, seed: str, depth: int) -> Any:
    schema = _mapping(value)
    if schema is None:
        return None
    choices: object = schema.get("enum")
    if isinstance(choices, list) and choices:
        options = cast("list[Any]", choices)
        return options[_number(seed) % len(options)]
    kind: object = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in cast("list[Any]", kind) if k != "null"), None)
    if kind == "object" or (kind is None and "properties" in schema):
        return _object(schema, seed, depth) if depth < _MAX_DEPTH else {}
    if kind == "array":
        if depth >= _MAX_DEPTH:
            return []
        return [_value(schema.get("items"), f"{seed}[{i}]", depth + 1) for i in range(2)]
    if kind == "integer":
        return _number(seed) % 1000
    if kind == "number":
        return round((_number(seed) % 100000) / 100, 2)
    if kind == "boolean":
        return _number(seed) % 2 == 0
    if kind == "null":
        return None
    return f"{seed.rsplit('.', 1)[-1]}-{_number(seed) % 10**6:06d}"


def _number(seed: str) -> int:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
