"""Shared pieces of the response models."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, TypeAlias

import msgspec

JSONObject: TypeAlias = dict[str, Any]
"""A JSON object as decoded: integers stay ``int``, fractions are ``float``."""

ExtractedData: TypeAlias = JSONObject | list[JSONObject] | None
"""Extracted data: one object per document, or a list (per page or per table row)."""


class Model(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True):
    """Base of every response model.

    Unknown fields in a response are ignored, so a newer server never breaks an older
    client; missing required fields and wrong types are errors.
    """

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON-compatible builtins (unset optional fields omitted)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def to_json(self) -> bytes:
        """The model encoded as JSON bytes."""
        return msgspec.json.encode(self)


def aware(value: datetime) -> datetime:
    """``value`` with a timezone: a timestamp sent without one is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)
