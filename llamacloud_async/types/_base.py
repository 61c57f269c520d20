"""Shared pieces of the response models: the ``Model`` base and its official methods.

A decoded model keeps a reference to the body it came from (one item of its instance
``__dict__``, set by ``_response.parse``). Nothing else happens on the decode path: the fields the model
does not declare, and which fields the server sent, are worked out from that body the
first time they are asked for (``model_extra``, ``model_fields_set``, ``to_dict()``,
``model_dump()`` and their JSON twins), for the model and every model nested in it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeAlias, cast

import msgspec

JSONObject: TypeAlias = dict[str, Any]
"""A JSON object as decoded: integers stay ``int``, fractions are ``float``."""

ExtractedData: TypeAlias = JSONObject | list[JSONObject] | None
"""Extracted data: one object per document, or a list (per page or per table row)."""

DumpMode: TypeAlias = Literal["python", "json"]
"""``"python"`` keeps ``datetime`` values; ``"json"`` turns them into ISO 8601 strings."""

SOURCE = "_source"
"""Key of the body a top-level model was decoded from, in its instance ``__dict__``
(``_response.parse`` sets it: one dict item, the only cost on the decode path)."""
_EXTRA = "_extra"
"""Fields sent that the model does not declare, once worked out."""
_SENT = "_sent"
"""Names of the declared fields the server sent, once worked out."""


class Model(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True, dict=True):
    """Base of every response model.

    Fields a newer server adds are kept: they are in ``model_extra`` and in
    ``to_dict()`` / ``model_dump()``. Missing required fields and wrong types are
    errors. The methods are those of the official SDK's (pydantic) models.
    """

    @property
    def model_extra(self) -> dict[str, Any]:
        """Fields the server sent that this model does not declare (empty when none)."""
        return cast("dict[str, Any]", _resolved(self).get(_EXTRA, {}))

    @property
    def model_fields_set(self) -> set[str]:
        """The declared fields the server sent (for a model built in code: those not at
        ``None``)."""
        sent = cast("frozenset[str] | None", _resolved(self).get(_SENT))
        if sent is None:
            return {name for name in self.__struct_fields__ if getattr(self, name) is not None}
        return set(sent)

    def model_dump(
        self,
        *,
        mode: DumpMode = "python",
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool | Literal["none", "warn", "error"] = True,
    ) -> dict[str, Any]:
        """The model as a dict, unknown fields included (pydantic's ``model_dump``).

        Args:
            mode: ``"python"`` keeps ``datetime`` values; ``"json"`` gives strings.
            by_alias: Accepted for pydantic's sake: field names are the API's names.
            exclude_unset: Leave out the fields the server did not send.
            exclude_defaults: Leave out fields at their default (``None``).
            exclude_none: Leave out fields whose value is ``None``.
            warnings: Accepted for pydantic's sake: dumping never warns.
        """
        return _dump(self, _Options(mode, exclude_unset, exclude_defaults, exclude_none))

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool | Literal["none", "warn", "error"] = True,
    ) -> str:
        """The model as a JSON string, unknown fields included (pydantic's
        ``model_dump_json``); the arguments are ``model_dump()``'s."""
        return _json(_dump(self, _Options("json", exclude_unset, exclude_defaults, exclude_none)), indent)

    if not TYPE_CHECKING:  # type checkers keep flagging misspelt fields, as with pydantic

        def __getattr__(self, name: str) -> Any:
            """A field the server sent that this model does not declare, as the official
            models answer it (``job.new_field``); ``AttributeError`` for any other name."""
            if not name.startswith("_"):
                extra = self.model_extra
                if name in extra:
                    return extra[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def to_dict(
        self,
        *,
        mode: DumpMode = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, Any]:
        """The model as a dict of the fields the server sent, unknown ones included.

        As the official ``to_dict()``: ``exclude_unset`` is on by default, so a field
        the server sent as ``null`` is there and one it left out is not. The field
        names are the API's, so ``use_api_names`` changes nothing; dumping never warns.
        """
        return _dump(self, _Options(mode, exclude_unset, exclude_defaults, exclude_none))

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """The model as a JSON string (indented by 2 unless ``indent`` says otherwise);
        the other arguments are ``to_dict()``'s."""
        return _json(_dump(self, _Options("json", exclude_unset, exclude_defaults, exclude_none)), indent)


class _Options(NamedTuple):
    """What a dump leaves out, and how it writes datetimes."""

    mode: DumpMode
    exclude_unset: bool
    exclude_defaults: bool
    exclude_none: bool


def _resolved(model: Model) -> dict[str, Any]:
    """``model``'s instance dict, with its extras worked out if its body is known."""
    state = vars(model)
    if _SENT not in state and SOURCE in state:
        raw: object = msgspec.json.decode(state[SOURCE])
        if isinstance(raw, dict):
            _distribute(model, cast("dict[str, Any]", raw))
    return state


def _distribute(model: Model, raw: dict[str, Any]) -> None:
    """Record on ``model`` (and the models nested in it) what ``raw`` sent beyond its fields."""
    fields = model.__struct_fields__
    state = vars(model)
    state[_EXTRA] = {key: value for key, value in raw.items() if key not in fields}
    state[_SENT] = frozenset(key for key in raw if key in fields)
    for name in state[_SENT]:
        _distribute_value(getattr(model, name), raw[name])


def _distribute_value(value: object, raw: object) -> None:
    if isinstance(value, Model) and isinstance(raw, dict):
        _distribute(value, cast("dict[str, Any]", raw))
    elif isinstance(value, list) and isinstance(raw, list):
        for item, raw_item in zip(cast("list[object]", value), cast("list[object]", raw), strict=False):
            _distribute_value(item, raw_item)


def _dump(model: Model, options: _Options) -> dict[str, Any]:
    state = _resolved(model)
    sent = cast("frozenset[str] | None", state.get(_SENT))
    defaults = _defaults(type(model)) if options.exclude_defaults else {}
    result: dict[str, Any] = {}
    for name in model.__struct_fields__:
        value = getattr(model, name)
        if options.exclude_unset and (name not in sent if sent is not None else value is None):
            continue
        if (options.exclude_none and value is None) or (name in defaults and value == defaults[name]):
            continue
        result[name] = _plain(value, options)
    for name, value in cast("dict[str, Any]", state.get(_EXTRA, {})).items():
        if not (options.exclude_none and value is None):
            result[name] = value
    return result


def _defaults(model: type[Model]) -> dict[str, object]:
    """The declared defaults of ``model``'s fields, by name."""
    fields, defaults = model.__struct_fields__, model.__struct_defaults__
    return dict(zip(fields[len(fields) - len(defaults) :], defaults, strict=True))


def _plain(value: object, options: _Options) -> object:
    """``value`` as builtins: nested models dumped alike, datetimes by ``options.mode``."""
    if isinstance(value, Model):
        return _dump(value, options)
    if isinstance(value, list):
        return [_plain(item, options) for item in cast("list[object]", value)]
    if isinstance(value, datetime) and options.mode == "json":
        return msgspec.to_builtins(value)
    return value


def _json(data: dict[str, Any], indent: int | None) -> str:
    encoded = msgspec.json.encode(data)
    if indent:
        encoded = msgspec.json.format(encoded, indent=indent)
    return encoded.decode()


def aware(value: datetime) -> datetime:
    """``value`` with a timezone: a timestamp sent without one is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def aware_or_none(value: datetime | None) -> datetime | None:
    """``aware(value)``, or ``None``."""
    return None if value is None else aware(value)
