"""Models: tolerant of what a newer server may add, strict about what must be there."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any, Literal, TypeVar

import msgspec
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from llamacloud_async._request import Request
from llamacloud_async._response import parse
from llamacloud_async._transport import Reply
from llamacloud_async.types import (
    ExtractJobStatus,
    ExtractRun,
    ExtractRunStatus,
    ExtractV2Job,
    JobGetResultResponse,
)

from .conftest import fixture_bytes, fixture_json

M = TypeVar("M", bound=msgspec.Struct)


def decode(body: object, model: type[msgspec.Struct]) -> msgspec.Struct:
    return msgspec.json.decode(msgspec.json.encode(body), type=model)


def test_unknown_fields_are_ignored_at_every_level() -> None:
    run = fixture_json("extraction_run.json")
    run["brand_new_field"] = {"nested": [1, 2]}
    run["config"]["future_option"] = True
    run["file"]["checksum"] = "abc"

    decoded = decode(run, ExtractRun)

    assert isinstance(decoded, ExtractRun)
    assert decoded.config.extract_model == "openai-gpt-4-1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "ARCHIVED"),
        ("config.extract_model", "openai-gpt-7-ultra"),
        ("config.parse_model", "anthropic-sonnet-9"),
        ("config.extraction_mode", "HYPER"),
        ("config.priority", "urgent"),
        ("config.chunk_mode", "PARAGRAPH"),
    ],
)
def test_unknown_enum_values_decode_as_strings(field: str, value: str) -> None:
    run = fixture_json("extraction_run.json")
    target = run
    *parents, leaf = field.split(".")
    for parent in parents:
        target = target[parent]
    target[leaf] = value

    decoded = msgspec.to_builtins(decode(run, ExtractRun))

    for parent in parents:
        decoded = decoded[parent]
    assert decoded[leaf] == value


def test_unknown_v2_status_and_tier_decode() -> None:
    job = fixture_json("extract_v2_job_file_input.json")
    job["status"] = "PAUSED"
    job["configuration"]["tier"] = "ultra"
    job["configuration"]["extraction_target"] = "per_section"

    decoded = msgspec.json.decode(msgspec.json.encode(job), type=ExtractV2Job)

    assert decoded.status == "PAUSED"
    assert decoded.configuration is not None
    assert decoded.configuration.tier == "ultra"


def test_known_values_are_documented_constants() -> None:
    job = msgspec.json.decode(fixture_bytes("extract_v2_job_file_input.json"), type=ExtractV2Job)
    run = msgspec.json.decode(fixture_bytes("extraction_run.json"), type=ExtractRun)
    assert job.status == ExtractJobStatus.COMPLETED
    assert run.status == ExtractRunStatus.CREATED


def test_integers_in_extracted_data_stay_integers() -> None:
    body = (
        b'{"data": {"quantity": 3, "price": 2.5, "rows": [{"n": 10}]}, "extraction_agent_id": "a",'
        b' "extraction_metadata": {"pages": 4}, "run_id": "r"}'
    )

    result = msgspec.json.decode(body, type=JobGetResultResponse)

    assert result.data == {"quantity": 3, "price": 2.5, "rows": [{"n": 10}]}
    assert isinstance(result.data, dict)
    assert type(result.data["quantity"]) is int
    assert type(result.data["rows"][0]["n"]) is int
    assert type(result.extraction_metadata["pages"]) is int


def test_data_may_be_a_list_of_rows_or_null() -> None:
    rows = {
        "data": [{"a": 1}, {"a": 2}],
        "extraction_agent_id": "a",
        "extraction_metadata": {},
        "run_id": "r",
    }
    empty = {**rows, "data": None}
    assert decode(rows, JobGetResultResponse) == JobGetResultResponse(
        data=[{"a": 1}, {"a": 2}], extraction_agent_id="a", extraction_metadata={}, run_id="r"
    )
    assert decode(empty, JobGetResultResponse).data is None  # type: ignore[attr-defined]


def test_data_may_be_left_out_as_in_the_official_model() -> None:
    result = decode(
        {"extraction_agent_id": "a", "extraction_metadata": {}, "run_id": "r"}, JobGetResultResponse
    )
    assert result.data is None  # type: ignore[attr-defined]


def test_timestamps_are_timezone_aware_even_when_sent_without_offset() -> None:
    job = fixture_json("extract_v2_job_parameters.json")
    job["created_at"] = "2024-05-01T12:00:00"
    job["updated_at"] = "2024-05-01T14:00:00+02:00"

    decoded = msgspec.json.decode(msgspec.json.encode(job), type=ExtractV2Job)

    assert decoded.created_at == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert decoded.updated_at.utcoffset() is not None
    assert decoded.updated_at == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("model", [ExtractRun, ExtractV2Job, JobGetResultResponse])
def test_wrong_top_level_shapes_fail(model: type[msgspec.Struct]) -> None:
    for body in (b"null", b"[]", b'"x"', b"1"):
        with pytest.raises(msgspec.ValidationError):
            msgspec.json.decode(body, type=model)


def test_models_round_trip_to_json_and_dict() -> None:
    run = msgspec.json.decode(fixture_bytes("extraction_run.json"), type=ExtractRun)
    assert msgspec.json.decode(run.to_json(), type=ExtractRun) == run
    assert run.to_dict()["config"]["chunk_mode"] == "PAGE"


# --- the official models' methods and unknown fields ------------------------------------


def parsed(body: dict[str, Any], model: type[M]) -> M:
    """``body`` decoded as a call decodes it (through ``_response.parse``)."""
    headers = CIMultiDictProxy(CIMultiDict[str]())
    return parse(Reply(Request("GET", "/x"), "http://h/x", 200, headers, msgspec.json.encode(body)), model)


def run_with_extras() -> dict[str, Any]:
    run = fixture_json("extraction_run.json")
    run["brand_new_field"] = {"nested": [1, 2]}
    run["config"]["future_option"] = True
    run["file"]["checksum"] = "abc"
    return run


def test_unknown_fields_are_kept_in_model_extra_at_every_level() -> None:
    run = parsed(run_with_extras(), ExtractRun)

    assert run.model_extra == {"brand_new_field": {"nested": [1, 2]}}
    assert run.config.model_extra == {"future_option": True}
    assert run.file is not None
    assert run.file.model_extra == {"checksum": "abc"}


def test_unknown_fields_are_in_to_dict_model_dump_and_their_json() -> None:
    run = parsed(run_with_extras(), ExtractRun)

    assert run.to_dict()["brand_new_field"] == {"nested": [1, 2]}
    assert run.to_dict()["config"]["future_option"] is True
    assert run.model_dump()["file"]["checksum"] == "abc"
    assert json.loads(run.to_json())["config"]["future_option"] is True
    assert json.loads(run.model_dump_json())["brand_new_field"] == {"nested": [1, 2]}


def test_unknown_fields_read_as_attributes_and_other_names_still_raise() -> None:
    run = parsed(run_with_extras(), ExtractRun)

    assert getattr(run, "brand_new_field") == {"nested": [1, 2]}  # noqa: B009 - unknown to type checkers
    assert getattr(run.config, "future_option") is True  # noqa: B009
    with pytest.raises(AttributeError, match="'ExtractRun' object has no attribute 'no_such_field'"):
        getattr(run, "no_such_field")  # noqa: B009
    with pytest.raises(AttributeError):
        getattr(run, "_private")  # noqa: B009


def test_a_model_without_unknown_fields_has_an_empty_model_extra() -> None:
    run = parsed(fixture_json("extraction_run.json"), ExtractRun)
    assert run.model_extra == {}
    assert run.config.model_extra == {}


def test_to_json_is_a_string_indented_by_two_unless_told() -> None:
    job = parsed(fixture_json("extract_v2_job_file_input.json"), ExtractV2Job)

    text = job.to_json()
    assert isinstance(text, str)
    assert text.splitlines()[1].startswith('  "')
    assert not text.splitlines()[1].startswith("   ")
    assert "\n" not in job.to_json(indent=None)
    assert job.model_dump_json().count("\n") == 0
    assert job.model_dump_json(indent=4).splitlines()[1].startswith('    "')


def test_to_dict_holds_what_was_sent_and_model_dump_every_field() -> None:
    body = fixture_json("extract_v2_job_file_input.json")
    body.pop("error_message", None)
    body["configuration_id"] = None
    job = parsed(body, ExtractV2Job)

    assert "error_message" not in job.to_dict()
    assert job.to_dict()["configuration_id"] is None  # sent as null: set
    assert job.model_dump()["error_message"] is None
    assert "configuration_id" not in job.model_dump(exclude_none=True)
    assert job.model_fields_set == {k for k in body if k in ExtractV2Job.__struct_fields__}


def test_to_dict_keeps_datetimes_and_json_mode_gives_strings() -> None:
    job = parsed(fixture_json("extract_v2_job_file_input.json"), ExtractV2Job)

    assert isinstance(job.to_dict()["created_at"], datetime)
    assert isinstance(job.model_dump(mode="json")["created_at"], str)
    assert datetime.fromisoformat(job.to_dict(mode="json")["created_at"]) == job.created_at


def test_a_model_built_in_code_dumps_its_fields() -> None:
    result = JobGetResultResponse(extraction_agent_id="a", extraction_metadata={}, run_id="r")

    assert result.model_extra == {}
    assert result.to_dict() == {"extraction_agent_id": "a", "extraction_metadata": {}, "run_id": "r"}
    assert result.model_dump()["data"] is None


def test_models_keep_their_equality_and_the_body_is_not_a_field() -> None:
    body = fixture_json("extraction_job_result.json")
    assert parsed(body, JobGetResultResponse) == decode(body, JobGetResultResponse)
    assert "_source" not in parsed(body, JobGetResultResponse).to_dict()


@pytest.mark.parametrize("mode", ["python", "json"])
def test_to_dict_and_model_dump_match_the_official_v2_model(mode: Literal["python", "json"]) -> None:
    from llama_cloud.types import ExtractV2Job as OfficialJob

    body = fixture_json("extract_v2_job_file_input.json")
    body["a_field_from_the_future"] = {"x": [1, "y"]}
    body["configuration"]["new_knob"] = 3
    ours = parsed(body, ExtractV2Job)
    official = OfficialJob.construct(**body)  # as the official client builds responses

    assert ours.to_dict(mode=mode) == official.to_dict(mode=mode)
    assert json.loads(ours.to_json()) == json.loads(official.to_json())
    # model_dump() lists every declared field; ours declares a few more (older shapes)
    assert ours.model_dump(mode="json", exclude_unset=True) == official.model_dump(
        mode="json", exclude_unset=True
    )
    assert ours.model_extra == official.model_extra
    for options in ({"exclude_none": True}, {"exclude_defaults": True}, {"use_api_names": True}):
        assert ours.to_dict(mode=mode, **options) == official.to_dict(mode=mode, **options)


# --- the official import paths and optionality -------------------------------------------

OFFICIAL_V2_PATHS = {
    "types": [
        "ExtractV2Job",
        "ExtractConfiguration",
        "ExtractJobMetadata",
        "ExtractJobUsage",
        "ExtractedFieldMetadata",
    ],
    "types.extract_v2_job": ["ExtractV2Job", "Metadata", "Usage"],
    "types.extract_configuration": ["ExtractConfiguration"],
    "types.extract_job_metadata": ["ExtractJobMetadata"],
    "types.extract_job_usage": ["ExtractJobUsage"],
    "types.extracted_field_metadata": ["ExtractedFieldMetadata"],
}
OFFICIAL_V1_PATHS = {
    "types": ["File"],
    "types.file": ["File"],
    "types.extraction": ["ExtractRun", "ExtractJob", "ExtractAgent", "ExtractConfig", "JobGetResultResponse"],
    "types.extraction.extract_run": ["ExtractRun"],
    "types.extraction.extract_job": ["ExtractJob"],
    "types.extraction.extract_agent": ["ExtractAgent"],
    "types.extraction.extract_config": ["ExtractConfig"],
    "types.extraction.job_get_result_response": ["JobGetResultResponse"],
}
V2_MODELS = ["types.ExtractV2Job"]
V1_MODELS = [
    "types.extraction.ExtractRun",
    "types.extraction.ExtractJob",
    "types.extraction.JobGetResultResponse",
]


@pytest.mark.parametrize("module", sorted({**OFFICIAL_V1_PATHS, **OFFICIAL_V2_PATHS}))
def test_every_official_import_path_works(module: str) -> None:
    names = OFFICIAL_V2_PATHS.get(module, []) + OFFICIAL_V1_PATHS.get(module, [])
    ours = importlib.import_module(f"llamacloud_async.{module}")
    assert all(isinstance(getattr(ours, name), type) for name in names)


@pytest.mark.parametrize("module", sorted(OFFICIAL_V2_PATHS))
def test_the_v2_paths_are_the_official_ones(module: str) -> None:
    official = importlib.import_module(f"llama_cloud.{module}")
    assert all(hasattr(official, name) for name in OFFICIAL_V2_PATHS[module])


_FIELDS_SCRIPT = """
import importlib, json, sys, typing
from pydantic import BaseModel
out = {}
def models_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from models_in(arg)
def walk(cls, path):
    fields = {}
    for name, info in cls.model_fields.items():
        nested = [m.__module__ + ":" + m.__qualname__ for m in models_in(info.annotation)]
        fields[name] = {"required": info.is_required(), "nested": nested}
        for model in models_in(info.annotation):
            key = model.__module__ + ":" + model.__qualname__
            if key not in out:
                out[key] = None
                walk(model, key)
    out[path] = fields
for spec in json.loads(sys.argv[1]):
    module, name = spec.rsplit(".", 1)
    cls = getattr(importlib.import_module("llama_cloud." + module), name)
    walk(cls, cls.__module__ + ":" + cls.__qualname__)
print(json.dumps(out))
"""


def official_fields(models: list[str], path: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """Every official model reachable from ``models``: field -> required, nested models."""
    env = {**os.environ, "PYTHONPATH": path} if path else dict(os.environ)
    completed = subprocess.run(
        [sys.executable, "-c", _FIELDS_SCRIPT, json.dumps(models)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    walked: dict[str, dict[str, dict[str, Any]]] = json.loads(completed.stdout)
    return walked


def our_model(official: str) -> type[msgspec.Struct]:
    """Our model at the official model's place (``llama_cloud.x:Name`` -> ``llamacloud_async.x.Name``)."""
    module, name = official.split(":")
    cls = getattr(importlib.import_module(module.replace("llama_cloud", "llamacloud_async", 1)), name)
    assert isinstance(cls, type)
    assert issubclass(cls, msgspec.Struct)
    return cls


def assert_optionality_matches(walked: dict[str, dict[str, dict[str, Any]]]) -> None:
    for official, fields in walked.items():
        ours = {f.name: f for f in msgspec.structs.fields(our_model(official))}
        for name, info in fields.items():
            assert name in ours, f"{official} has {name}; ours does not"
            optional_here = ours[name].default is not msgspec.NODEFAULT
            assert info["required"] or optional_here, f"{official}.{name} is optional there, required here"


def test_v2_models_have_every_official_field_optional_where_it_is_optional() -> None:
    walked = official_fields(V2_MODELS, None)
    assert len(walked) >= 6  # the job and the models nested in it
    assert_optionality_matches(walked)


def test_v1_models_have_every_official_field_optional_where_it_is_optional() -> None:
    path = os.environ.get("LLAMACLOUD_V1_SDK_PATH")
    if not path:
        pytest.skip("LLAMACLOUD_V1_SDK_PATH is not set; `nox -s tests` installs llama-cloud 1.6.0 there")
    walked = official_fields(V1_MODELS, path)
    assert len(walked) >= 6
    assert_optionality_matches(walked)
