"""The names of the fake's routes: what ``inject(route=...)`` and ``RecordedRequest.route`` use."""

from __future__ import annotations

from typing import Literal

__all__ = ["ROUTES", "Route"]

Route = Literal[
    "extract",
    "result",
    "run",
    "run-by-job",
    "job",
    "extract-create",
    "extract-list",
    "extract-cancel",
    "extract-delete",
    "job-create",
    "job-list",
    "run-list",
    "run-delete",
    "file-create",
    "file-list",
    "file",
    "file-delete",
    "file-content",
]

ROUTES: dict[Route, str] = {
    "extract": "/api/v2/extract/{id}",
    "result": "/api/v1/extraction/jobs/{id}/result",
    "run": "/api/v1/extraction/runs/{id}",
    "run-by-job": "/api/v1/extraction/runs/by-job/{id}",
    "job": "/api/v1/extraction/jobs/{id}",
}
"""The GET routes that answer any ID (generated, seeded or stored), by name."""
