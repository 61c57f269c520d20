"""Models: tolerant of what a newer server may add, strict about what must be there."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from llamacloud_async.types import (
    ExtractJobStatus,
    ExtractRun,
    ExtractRunStatus,
    ExtractV2Job,
    JobGetResultResponse,
)

from .conftest import fixture_bytes, fixture_json


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


def test_data_is_required_even_when_null() -> None:
    with pytest.raises(msgspec.ValidationError, match="missing required field `data`"):
        decode({"extraction_agent_id": "a", "extraction_metadata": {}, "run_id": "r"}, JobGetResultResponse)


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
