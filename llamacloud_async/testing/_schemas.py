"""The request bodies the job routes accept, checked as strictly as the real API's models.

Each Struct mirrors an official ``*_params`` TypedDict (``extract_create_params``,
``extraction/job_create_params``); unknown fields, wrong types and values outside a
``Literal`` are refused. A refusal becomes a 422 whose ``detail`` is a list of
``{"loc", "msg", "type"}`` errors, as FastAPI writes them.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

__all__ = ["ExtractCreate", "Invalid", "JobCreate", "decode"]

_T = TypeVar("_T")


class Invalid(Exception):
    """A request the server refuses with 422; ``detail`` is the response's ``detail``."""

    def __init__(self, detail: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.detail = detail

    @classmethod
    def at(cls, loc: list[str | int], msg: str, type_: str = "value_error") -> Invalid:
        """One error at ``loc`` (``["body", "file_input"]``, ``["query", "page_size"]``)."""
        return cls([{"loc": loc, "msg": msg, "type": type_}])


class _Strict(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class WebhookConfigurationV2(_Strict):
    """``extract_create_params.WebhookConfiguration``."""

    webhook_events: list[str] | UnsetType | None = UNSET
    webhook_headers: dict[str, str] | UnsetType | None = UNSET
    webhook_output_format: str | UnsetType | None = UNSET
    webhook_signing_secret: str | UnsetType | None = UNSET
    webhook_url: str | UnsetType | None = UNSET


class ExtractConfiguration(_Strict):
    """``ExtractConfigurationParam``: the inline configuration of a v2 job."""

    data_schema: dict[str, Any]
    advanced_citations: bool | UnsetType = UNSET
    cite_sources: bool | UnsetType = UNSET
    confidence_scores: bool | UnsetType = UNSET
    disable_cache: bool | UnsetType = UNSET
    extraction_target: Literal["per_doc", "per_page", "per_table_row"] | UnsetType = UNSET
    max_pages: int | UnsetType | None = UNSET
    parse_config_id: str | UnsetType | None = UNSET
    parse_tier: Literal["agentic", "agentic_plus", "cost_effective", "fast"] | UnsetType | None = UNSET
    sheet_names: list[str] | UnsetType | None = UNSET
    spreadsheet_mode: bool | UnsetType = UNSET
    system_prompt: str | UnsetType | None = UNSET
    target_pages: str | UnsetType | None = UNSET
    tier: Literal["agentic", "agentic_plus", "cost_effective", "turbo"] | UnsetType = UNSET
    version: str | UnsetType = UNSET


class ExtractCreate(_Strict):
    """The body of ``POST /api/v2/extract`` (``ExtractCreateParams``, less its query params)."""

    file_input: str
    configuration: ExtractConfiguration | UnsetType | None = UNSET
    configuration_id: str | UnsetType | None = UNSET
    webhook_configuration_ids: list[str] | UnsetType | None = UNSET
    webhook_configurations: list[WebhookConfigurationV2] | UnsetType | None = UNSET


_Priority = Literal["low", "medium", "high", "critical"]


class ExtractConfig(_Strict):
    """``extraction.ExtractConfigParam``: a v1 job's ``config_override``."""

    chunk_mode: Literal["PAGE", "SECTION"] | UnsetType = UNSET
    citation_bbox: bool | UnsetType = UNSET
    cite_sources: bool | UnsetType = UNSET
    confidence_scores: bool | UnsetType = UNSET
    extract_model: str | UnsetType | None = UNSET
    extraction_mode: Literal["FAST", "BALANCED", "PREMIUM", "MULTIMODAL"] | UnsetType = UNSET
    extraction_target: Literal["PER_DOC", "PER_PAGE", "PER_TABLE_ROW"] | UnsetType = UNSET
    high_resolution_mode: bool | UnsetType = UNSET
    invalidate_cache: bool | UnsetType = UNSET
    multimodal_fast_mode: bool | UnsetType = UNSET
    num_pages_context: int | UnsetType | None = UNSET
    page_range: str | UnsetType | None = UNSET
    parse_model: str | UnsetType | None = UNSET
    priority: _Priority | UnsetType | None = UNSET
    system_prompt: str | UnsetType | None = UNSET
    use_reasoning: bool | UnsetType = UNSET


class WebhookConfigurationV1(_Strict):
    """``extraction.WebhookConfigurationParam``."""

    webhook_events: list[str] | UnsetType | None = UNSET
    webhook_headers: dict[str, str] | UnsetType | None = UNSET
    webhook_output_format: str | UnsetType | None = UNSET
    webhook_url: str | UnsetType | None = UNSET


class JobCreate(_Strict):
    """The body of ``POST /api/v1/extraction/jobs`` (``JobCreateParams``, less ``from_ui``)."""

    extraction_agent_id: str
    file_id: str
    config_override: ExtractConfig | UnsetType | None = UNSET
    data_schema_override: dict[str, Any] | str | UnsetType | None = UNSET
    priority: _Priority | UnsetType | None = UNSET
    webhook_configurations: list[WebhookConfigurationV1] | UnsetType | None = UNSET


_AT = re.compile(r"^(?P<msg>.*) - at `\$(?P<path>[^`]*)`$", re.DOTALL)
_NAMED = re.compile(r"(missing required|unknown) field `(?P<name>[^`]+)`")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def decode(body: bytes, type_: type[_T]) -> _T:
    """``body`` as ``type_``, or ``Invalid`` describing the first thing wrong with it."""
    try:
        return msgspec.json.decode(body, type=type_)
    except msgspec.ValidationError as error:
        raise Invalid([_error(str(error))]) from None
    except msgspec.DecodeError:
        raise Invalid.at(["body"], "JSON decode error", "json_invalid") from None


def _error(message: str) -> dict[str, Any]:
    loc: list[str | int] = ["body"]
    match = _AT.match(message)
    if match is not None:
        message = match["msg"]
        loc += [name if index == "" else int(index) for name, index in _STEP.findall(match["path"])]
    kind = "value_error"
    named = _NAMED.search(message)
    if named is not None:
        loc.append(named["name"])
        kind = "missing" if named[1] == "missing required" else "extra_forbidden"
    return {"loc": loc, "msg": message, "type": kind}
