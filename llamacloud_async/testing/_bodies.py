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

_SCHEMA: dict[str, Any] = {
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


def _uuid(*parts: str) -> str:
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


def _config() -> dict[str, Any]:
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
    project_id = _uuid("project")
    job_id = job_id or _uuid("job-of", run_id)
    file_id = _uuid("file", job_id)
    return {
        "id": run_id,
        "config": _config(),
        "data_schema": _SCHEMA,
        "extraction_agent_id": _uuid("agent"),
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
    return extraction_run(_uuid("run-of", job_id), job_id=job_id, rows=rows)


def job_result(job_id: str, *, rows: int = 3) -> dict[str, Any]:
    """A ``JobGetResultResponse`` body for job ``job_id``."""
    return {
        "data": _document(job_id, rows),
        "extraction_agent_id": _uuid("agent"),
        "extraction_metadata": {"field_metadata": {"vendor": {"confidence": 0.98}}},
        "run_id": _uuid("run-of", job_id),
    }


def extract_job(job_id: str, *, rows: int = 3, per_table_row: bool = False) -> dict[str, Any]:
    """An ``ExtractV2Job`` body for ``job_id``: completed, with its configuration and result."""
    result: Any = _rows(rows)[0] if per_table_row else _document(job_id, rows)
    return {
        "id": job_id,
        "created_at": _CREATED,
        "file_input": "dfl-" + _uuid("file", job_id),
        "project_id": "prj-" + _uuid("project"),
        "status": "COMPLETED",
        "updated_at": _UPDATED,
        "configuration": {
            "data_schema": _SCHEMA,
            "cite_sources": False,
            "confidence_scores": True,
            "extraction_target": "per_table_row" if per_table_row else "per_doc",
            "tier": "cost_effective",
            "version": "latest",
        },
        "extract_metadata": {
            "field_metadata": {"document_metadata": {"vendor": {"confidence": 0.98, "citation": []}}},
            "parse_job_id": "pjb-" + _uuid("parse", job_id),
            "parse_tier": "fast",
        },
        "extract_result": result,
        "metadata": {"usage": {"num_pages_extracted": 2}},
    }
