"""Realistic response bodies, deterministic from the ID they describe.

They follow the API reference's examples, so both this package's models and the
official SDK's accept them.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from typing import Any

_CREATED = "2025-03-04T10:15:30.250Z"
_UPDATED = "2025-03-04T10:16:02.125Z"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "invoice_number": {"type": "string"},
        "total": {"type": "number"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "integer"},
                    "amount": {"type": "number"},
                },
            },
        },
    },
}


def uuid_for(*parts: str) -> str:
    """A UUID (version 4 layout) derived from ``parts``: the same parts, the same UUID."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


@functools.cache
def _rows(count: int) -> tuple[list[dict[str, Any]], float]:
    """Line items and their total, built once per size: large bodies stay cheap to serve."""
    amounts = [round(12.5 * (i + 1), 2) for i in range(count)]
    items: list[dict[str, Any]] = [
        {"description": f"Item {i}: printer paper, A4", "quantity": i + 1, "amount": amount}
        for i, amount in enumerate(amounts)
    ]
    return items, round(sum(amounts), 2)


def _document(seed: str, rows: int) -> dict[str, Any]:
    items, total = _rows(rows)
    return {
        "vendor": "Acme Office Supplies",
        "invoice_number": f"INV-{seed[-8:]}",
        "total": total,
        "line_items": items,
    }


def config() -> dict[str, Any]:
    """The v1 ``ExtractConfig`` of generated agents and runs."""
    return {
        "chunk_mode": "PAGE",
        "cite_sources": False,
        "confidence_scores": True,
        "extract_model": "openai-gpt-4-1",
        "extraction_mode": "BALANCED",
        "extraction_target": "PER_DOC",
        "high_resolution_mode": False,
        "invalidate_cache": False,
        "num_pages_context": 1,
        "priority": "medium",
        "system_prompt": "Extract all monetary values in USD.",
        "use_reasoning": False,
    }


def extraction_run(run_id: str, *, job_id: str | None = None, rows: int = 3) -> dict[str, Any]:
    """An ``ExtractRun`` body for ``run_id`` (and ``job_id``, derived when not given)."""
    project_id = uuid_for("project")
    job_id = job_id or uuid_for("job-of", run_id)
    file_id = uuid_for("file", job_id)
    return {
        "id": run_id,
        "config": config(),
        "data_schema": SCHEMA,
        "extraction_agent_id": uuid_for("agent"),
        "from_ui": False,
        "project_id": project_id,
        "status": "SUCCESS",
        "created_at": _CREATED,
        "data": _document(run_id, rows),
        "error": None,
        "extraction_metadata": {
            "field_metadata": {"vendor": {"confidence": 0.98}},
            "usage": {"num_pages": 2},
        },
        "file": {
            "id": file_id,
            "name": f"invoice-{run_id[-8:]}.pdf",
            "project_id": project_id,
            "created_at": _CREATED,
            "file_size": 48213,
            "file_type": "pdf",
            "updated_at": _UPDATED,
        },
        "file_id": file_id,
        "job_id": job_id,
        "updated_at": _UPDATED,
    }


def run_by_job(job_id: str, *, rows: int = 3) -> dict[str, Any]:
    """The ``ExtractRun`` body of job ``job_id``."""
    return extraction_run(uuid_for("run-of", job_id), job_id=job_id, rows=rows)


def extraction_job(job_id: str) -> dict[str, Any]:
    """An ``ExtractJob`` body for ``job_id``: succeeded, with its agent and file."""
    project_id = uuid_for("project")
    file_id = uuid_for("file", job_id)
    return {
        "id": job_id,
        "extraction_agent": {
            "id": uuid_for("agent"),
            "config": config(),
            "data_schema": SCHEMA,
            "name": "invoices",
            "project_id": project_id,
            "created_at": _CREATED,
            "updated_at": _UPDATED,
        },
        "status": "SUCCESS",
        "error": None,
        "file": {"id": file_id, "name": f"invoice-{job_id[-8:]}.pdf", "project_id": project_id},
        "file_id": file_id,
    }


def job_result(job_id: str, *, rows: int = 3) -> dict[str, Any]:
    """A ``JobGetResultResponse`` body for job ``job_id``."""
    return {
        "data": _document(job_id, rows),
        "extraction_agent_id": uuid_for("agent"),
        "extraction_metadata": {"field_metadata": {"vendor": {"confidence": 0.98}}},
        "run_id": uuid_for("run-of", job_id),
    }


def extract_job(job_id: str, *, rows: int = 3, per_table_row: bool = False) -> dict[str, Any]:
    """An ``ExtractV2Job`` body for ``job_id``: completed, with its configuration and result."""
    result: Any = _rows(rows)[0] if per_table_row else _document(job_id, rows)
    return {
        "id": job_id,
        "created_at": _CREATED,
        "file_input": "dfl-" + uuid_for("file", job_id),
        "project_id": "prj-" + uuid_for("project"),
        "status": "COMPLETED",
        "updated_at": _UPDATED,
        "configuration": {
            "data_schema": SCHEMA,
            "cite_sources": False,
            "confidence_scores": True,
            "extraction_target": "per_table_row" if per_table_row else "per_doc",
            "tier": "cost_effective",
            "version": "latest",
        },
        "extract_metadata": {
            "field_metadata": {"document_metadata": {"vendor": {"confidence": 0.98, "citation": []}}},
            "parse_job_id": "pjb-" + uuid_for("parse", job_id),
            "parse_tier": "fast",
        },
        "extract_result": result,
        "metadata": {"usage": {"num_pages_extracted": 2}},
    }
