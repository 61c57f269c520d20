"""The job lifecycle routes of ``FakeLlamaCloud``: create, list, cancel and delete jobs.

v2 (``llama-cloud`` 2.19 ``resources/extract.py``)::

    POST   /api/v2/extract                  create (Idempotency-Key honoured)
    GET    /api/v2/extract                  list: filters, newest first, page_token pages
    GET    /api/v2/extract/{job_id}         one job (served with the generated routes)
    POST   /api/v2/extract/{job_id}/cancel  cancel a job not yet terminal
    DELETE /api/v2/extract/{job_id}         delete a terminal job (or any, with force=true)

v1 (``llama-cloud`` 1.6 ``resources/extraction/jobs.py`` and ``runs.py``)::

    POST   /api/v1/extraction/jobs          create; the job produces one run
    GET    /api/v1/extraction/jobs          list by extraction_agent_id (a plain list)
    GET    /api/v1/extraction/runs          list by extraction_agent_id, skip/limit pages
    DELETE /api/v1/extraction/runs/{id}     delete a run

Bodies are built here from the store's jobs; the server's pipeline (key, latency, rate
limit, faults, counters) runs before every answer.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

import msgspec
from aiohttp import web

from . import _bodies
from ._results import ResultFor
from ._routes import Route
from ._schemas import ExtractCreate, Invalid, JobCreate, decode
from ._store import TERMINAL, V1_STATUS, Job, JobRequest, JobStore

__all__ = ["DEFAULT_PAGE_SIZE", "MAX_PAGE_SIZE", "Endpoint", "JobRoutes"]

Answer = Callable[[web.Request, str], Awaitable[web.Response]]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
EXPAND = ("configuration", "extract_metadata", "usage")
V2_STATUSES = ("CANCELLED", "COMPLETED", "FAILED", "PENDING", "RUNNING", "THROTTLED")
_RUN_STATUS = {"SUCCESS": "SUCCESS", "PARTIAL_SUCCESS": "SUCCESS", "ERROR": "ERROR", "CANCELLED": "ERROR"}


@dataclass(frozen=True)
class Endpoint:
    """One route a module serves: the server wraps ``answer`` in its pipeline."""

    method: str
    path: str
    route: Route
    answer: Answer


class JobRoutes:
    """The lifecycle endpoints over one ``JobStore``."""

    def __init__(
        self,
        store: JobStore,
        *,
        result_for: ResultFor,
        configurations: Mapping[str, Mapping[str, Any]],
    ) -> None:
        self.store = store
        self.result_for = result_for
        self.configurations = configurations

    def endpoints(self) -> list[Endpoint]:
        """The routes this module adds, in registration order."""
        return [
            Endpoint("POST", "/api/v2/extract", "extract-create", self._v2_create),
            Endpoint("GET", "/api/v2/extract", "extract-list", self._v2_list),
            Endpoint("POST", "/api/v2/extract/{id}/cancel", "extract-cancel", self._v2_cancel),
            Endpoint("DELETE", "/api/v2/extract/{id}", "extract-delete", self._v2_delete),
            Endpoint("POST", "/api/v1/extraction/jobs", "job-create", self._v1_create),
            Endpoint("GET", "/api/v1/extraction/jobs", "job-list", self._v1_list),
            Endpoint("GET", "/api/v1/extraction/runs", "run-list", self._v1_runs),
            Endpoint("DELETE", "/api/v1/extraction/runs/{id}", "run-delete", self._v1_delete_run),
        ]

    def stored(self, route: Route, id_: str, request: web.Request) -> web.Response | None:
        """The answer for a stored (or deleted) job or run on a GET route; ``None`` if unknown."""
        job = (self.store.runs if route == "run" else self.store.jobs).get(id_)
        if job is None:
            return _not_found(route, id_) if id_ in self.store.deleted else None
        now = self.store.now()
        if route == "run":
            return _json(200, self._run_body(job, now))
        if route == "extract" and job.request.api == "v2":
            try:
                expand = _expand(request)
            except Invalid as invalid:
                return _json(422, {"detail": invalid.detail})
            return _json(200, self._v2_body(job, now, expand))
        if job.request.api != "v1":
            return None
        if route == "job":
            return _json(200, self._v1_body(job, now))
        if route == "run-by-job":
            return _json(200, self._run_body(job, now)) if job.run_id is not None else _not_found(route, id_)
        if route == "result":
            return self._v1_result(job, now)
        return None

    # v2

    async def _v2_create(self, request: web.Request, _id: str) -> web.Response:
        raw = await request.read()
        try:
            body = decode(raw, ExtractCreate)
            configuration = self._v2_configuration(body)
        except Invalid as invalid:
            return _json(422, {"detail": invalid.detail})
        sent = json.loads(raw)
        replay = self.store.replay("v2", request.headers.get("Idempotency-Key"), sent)
        if replay is False:
            return _reused_key()
        if replay is not None:
            return _json(200, self._v2_body(replay, self.store.now(), EXPAND[:1]))
        project_id = request.query.get("project_id") or "prj-" + _bodies.uuid_for("project")
        job = self.store.add(
            "ext-" + _bodies.uuid_for("v2-job", str(self.store.created)),
            JobRequest("v2", body.file_input, configuration, sent, project_id),
            scope="v2",
            key=request.headers.get("Idempotency-Key"),
            extra={"configuration_id": body.configuration_id or None},
        )
        return _json(200, self._v2_body(job, job.started, EXPAND[:1]))

    def _v2_configuration(self, body: ExtractCreate) -> dict[str, Any]:
        has_inline = isinstance(body.configuration, msgspec.Struct)
        has_saved = isinstance(body.configuration_id, str)
        if has_inline == has_saved:
            raise Invalid.at(["body"], "Provide exactly one of configuration or configuration_id")
        if isinstance(body.configuration_id, str):
            saved = self.configurations.get(body.configuration_id)
            return dict(saved) if saved is not None else {"data_schema": _bodies.SCHEMA}
        configuration: dict[str, Any] = msgspec.to_builtins(body.configuration)
        return {"tier": "cost_effective", "version": "latest", **configuration}

    async def _v2_list(self, request: web.Request, _id: str) -> web.Response:
        try:
            query = _V2Query.parse(request)
        except Invalid as invalid:
            return _json(422, {"detail": invalid.detail})
        now = self.store.now()
        jobs = [job for job in self.store.newest_first("v2") if query.matches(job, now, self.store)]
        if query.before is not None:
            jobs = [job for job in jobs if job.seq < query.before]
        page = jobs[: query.page_size]
        more = len(jobs) > len(page)
        response = _json(
            200,
            {
                "items": [self._v2_body(job, now, query.expand) for job in page],
                "next_page_token": _token(page[-1].seq) if more else None,
            },
        )
        # The server's time as its timestamps tell it, as a real server's Date header does.
        response.headers["Date"] = format_datetime(self.store.moment(now), usegmt=True)
        return response

    async def _v2_cancel(self, request: web.Request, id_: str) -> web.Response:
        job = self.store.jobs.get(id_)
        if job is None or job.request.api != "v2":
            return _not_found("extract", id_)
        if not self.store.cancel(job):
            phase = job.phase(self.store.now())
            return _json(409, {"detail": f"Job {id_} is already {phase} and cannot be cancelled"})
        return _json(200, self._v2_body(job, self.store.now(), EXPAND[:1]))

    async def _v2_delete(self, request: web.Request, id_: str) -> web.Response:
        job = self.store.jobs.get(id_)
        if job is None or job.request.api != "v2":
            return _not_found("extract", id_)
        force = request.query.get("force", "false").lower()
        if force not in ("true", "false"):
            return _json(422, _query_error("force", "Input should be a valid boolean"))
        phase = job.phase(self.store.now())
        if phase not in TERMINAL and force == "false":
            return _json(409, {"detail": f"Job {id_} is {phase}; cancel it first, or pass force=true"})
        self.store.delete(id_)
        return _json(200, {})

    def _v2_body(self, job: Job, now: float, expand: Iterable[str]) -> dict[str, Any]:
        phase = job.phase(now)
        request = job.request
        body: dict[str, Any] = {
            "id": job.id,
            "created_at": self.store.timestamp(job.started),
            "file_input": request.file_input,
            "project_id": request.project_id,
            "status": phase,
            "updated_at": self.store.timestamp(job.changed_at(now)),
        }
        if job.extra.get("configuration_id"):
            body["configuration_id"] = job.extra["configuration_id"]
        if "configuration" in expand:
            body["configuration"] = request.configuration
        if phase == "FAILED":
            body["error_message"] = "Extraction failed: the document could not be processed"
        if phase != "COMPLETED":
            return body
        body["extract_result"] = self._result(job)
        wants_metadata = request.configuration.get("cite_sources") or request.configuration.get(
            "confidence_scores"
        )
        if "extract_metadata" in expand or wants_metadata:
            body["extract_metadata"] = {
                "field_metadata": {"document_metadata": {}},
                "parse_job_id": "pjb-" + _bodies.uuid_for("parse", job.id),
                "parse_tier": request.configuration.get("parse_tier") or "fast",
            }
        body["metadata"] = {"usage": {"num_pages_billed": 2, "num_pages_extracted": 2}}
        if "usage" in expand:
            body["usage"] = {"credits": 10.0, "extract_credits": 8.0, "parse_credits": 2.0}
        return body

    def _result(self, job: Job) -> Any:
        if job.result is None:
            job.result = self.result_for(job.request.file_input, job.request.configuration)
        return job.result

    # v1

    async def _v1_create(self, request: web.Request, _id: str) -> web.Response:
        raw = await request.read()
        try:
            body = decode(raw, JobCreate)
            schema = _schema_override(body.data_schema_override)
            from_ui = _bool_query(request, "from_ui")
        except Invalid as invalid:
            return _json(422, {"detail": invalid.detail})
        sent = json.loads(raw)
        replay = self.store.replay("v1", request.headers.get("Idempotency-Key"), sent)
        if replay is False:
            return _reused_key()
        if replay is not None:
            return _json(200, self._v1_body(replay, self.store.now()))
        config = {**_bodies.config(), **msgspec.to_builtins(body.config_override or {})}
        configuration = {"data_schema": schema, "extraction_target": config["extraction_target"]}
        job = self.store.add(
            _bodies.uuid_for("v1-job", str(self.store.created)),
            JobRequest("v1", body.file_id, configuration, sent, _bodies.uuid_for("project")),
            scope="v1",
            key=request.headers.get("Idempotency-Key"),
            extra={"extraction_agent_id": body.extraction_agent_id, "config": config, "from_ui": from_ui},
        )
        self.store.add_run(job, _bodies.uuid_for("run-of", job.id))
        return _json(200, self._v1_body(job, job.started))

    async def _v1_list(self, request: web.Request, _id: str) -> web.Response:
        try:
            agent = _required_query(request, "extraction_agent_id")
        except Invalid as invalid:
            return _json(422, {"detail": invalid.detail})
        now = self.store.now()
        jobs = [job for job in self.store.newest_first("v1") if job.extra["extraction_agent_id"] == agent]
        return _json(200, [self._v1_body(job, now) for job in jobs])

    async def _v1_runs(self, request: web.Request, _id: str) -> web.Response:
        try:
            agent = _required_query(request, "extraction_agent_id")
            skip = _int_query(request, "skip", 0, 0, None)
            limit = _int_query(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        except Invalid as invalid:
            return _json(422, {"detail": invalid.detail})
        now = self.store.now()
        jobs = [
            job
            for job in self.store.newest_first("v1")
            if job.run_id is not None and job.extra["extraction_agent_id"] == agent
        ]
        page = jobs[skip : skip + limit]
        return _json(
            200,
            {
                "items": [self._run_body(job, now) for job in page],
                "total": len(jobs),
                "skip": skip,
                "limit": limit,
            },
        )

    async def _v1_delete_run(self, request: web.Request, id_: str) -> web.Response:
        if id_ not in self.store.runs:
            return _not_found("run", id_)
        self.store.delete(id_)
        return _json(200, {})

    def _v1_body(self, job: Job, now: float) -> dict[str, Any]:
        status = V1_STATUS[job.phase(now)]
        agent_id = job.extra["extraction_agent_id"]
        return {
            "id": job.id,
            "extraction_agent": {
                "id": agent_id,
                "config": job.extra["config"],
                "data_schema": job.request.configuration["data_schema"],
                "name": f"agent-{agent_id[-8:]}",
                "project_id": job.request.project_id,
                "created_at": self.store.timestamp(job.started),
                "updated_at": self.store.timestamp(job.started),
            },
            "status": status,
            "error": _v1_error(status),
            "file": self._file(job),
            "file_id": job.request.file_input,
        }

    def _run_body(self, job: Job, now: float) -> dict[str, Any]:
        status = V1_STATUS[job.phase(now)]
        succeeded = status in ("SUCCESS", "PARTIAL_SUCCESS")
        return {
            "id": job.run_id,
            "config": job.extra["config"],
            "data_schema": job.request.configuration["data_schema"],
            "extraction_agent_id": job.extra["extraction_agent_id"],
            "from_ui": job.extra["from_ui"],
            "project_id": job.request.project_id,
            "status": _RUN_STATUS.get(status, "PENDING"),
            "created_at": self.store.timestamp(job.started),
            "data": self._result(job) if succeeded else None,
            "error": _v1_error(status),
            "extraction_metadata": {"usage": {"num_pages": 2}} if succeeded else None,
            "file": self._file(job),
            "file_id": job.request.file_input,
            "job_id": job.id,
            "updated_at": self.store.timestamp(job.changed_at(now)),
        }

    def _v1_result(self, job: Job, now: float) -> web.Response:
        status = V1_STATUS[job.phase(now)]
        if status not in ("SUCCESS", "PARTIAL_SUCCESS"):
            return _json(400, {"detail": f"Extraction job {job.id} has no result: it is {status}"})
        return _json(
            200,
            {
                "data": self._result(job),
                "extraction_agent_id": job.extra["extraction_agent_id"],
                "extraction_metadata": {"usage": {"num_pages": 2}},
                "run_id": job.run_id,
            },
        )

    def _file(self, job: Job) -> dict[str, Any]:
        file_id = job.request.file_input
        return {
            "id": file_id,
            "name": f"document-{file_id[-8:]}.pdf",
            "project_id": job.request.project_id,
            "created_at": self.store.timestamp(job.started),
        }


@dataclass(frozen=True)
class _V2Query:
    """The query of ``GET /api/v2/extract`` (``ExtractListParams``), checked."""

    configuration_id: str | None
    after: datetime | None
    before_time: datetime | None
    input_type: str | None
    file_inputs: tuple[str, ...]
    expand: tuple[str, ...]
    job_ids: frozenset[str] | None
    page_size: int
    before: int | None
    project_id: str | None
    status: str | None

    @classmethod
    def parse(cls, request: web.Request) -> _V2Query:
        query = request.query
        input_type = query.get("document_input_type")
        if input_type is not None and input_type not in ("file_id", "parse_job_id"):
            raise Invalid.at(["query", "document_input_type"], "Input should be 'file_id' or 'parse_job_id'")
        status = query.get("status")
        if status is not None and status not in V2_STATUSES:
            raise Invalid.at(["query", "status"], f"Input should be one of {', '.join(V2_STATUSES)}")
        token = query.get("page_token")
        job_ids = query.getall("job_ids", [])
        return cls(
            configuration_id=query.get("configuration_id"),
            after=_time_query(request, "created_at_on_or_after"),
            before_time=_time_query(request, "created_at_on_or_before"),
            input_type=input_type,
            file_inputs=tuple(
                v for v in (query.get("file_input"), query.get("document_input_value")) if v is not None
            ),
            expand=_expand(request),
            job_ids=frozenset(job_ids) if job_ids else None,
            page_size=_int_query(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
            before=_untoken(token) if token else None,
            project_id=query.get("project_id"),
            status=status,
        )

    def matches(self, job: Job, now: float, store: JobStore) -> bool:
        """Whether ``job`` passes every filter."""
        request = job.request
        created = datetime.fromisoformat(store.timestamp(job.started).replace("Z", "+00:00"))
        prefix = {"file_id": "dfl-", "parse_job_id": "pjb-"}.get(self.input_type or "")
        return (
            (self.configuration_id is None or job.extra.get("configuration_id") == self.configuration_id)
            and (self.after is None or created >= self.after)
            and (self.before_time is None or created <= self.before_time)
            and (prefix is None or request.file_input.startswith(prefix))
            and all(request.file_input == value for value in self.file_inputs)
            and (self.job_ids is None or job.id in self.job_ids)
            and (self.project_id is None or request.project_id == self.project_id)
            and (self.status is None or job.phase(now) == self.status)
        )


def _json(status: int, payload: object) -> web.Response:
    return web.Response(status=status, body=msgspec.json.encode(payload), content_type="application/json")


def _not_found(route: str, id_: str) -> web.Response:
    return _json(404, {"detail": f"{route} {id_} not found"})


def _reused_key() -> web.Response:
    return _json(422, {"detail": "Idempotency-Key was already used with a different request body"})


def _v1_error(status: str) -> str | None:
    if status == "ERROR":
        return "Extraction failed: the document could not be processed"
    if status == "CANCELLED":
        return "Extraction job was cancelled"
    return None


def _query_error(name: str, msg: str) -> dict[str, Any]:
    return {"detail": Invalid.at(["query", name], msg).detail}


def _required_query(request: web.Request, name: str) -> str:
    value = request.query.get(name)
    if not value:
        raise Invalid.at(["query", name], "Field required", "missing")
    return value


def _int_query(request: web.Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid.at(["query", name], "Input should be a valid integer", "int_parsing") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise Invalid.at(["query", name], f"Input should be {bound}")
    return value


def _bool_query(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false").lower()
    if raw not in ("true", "false"):
        raise Invalid.at(["query", name], "Input should be a valid boolean", "bool_parsing")
    return raw == "true"


def _time_query(request: web.Request, name: str) -> datetime | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid.at(["query", name], "Input should be a valid datetime", "datetime_parsing") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _expand(request: web.Request) -> tuple[str, ...]:
    values = tuple(request.query.getall("expand", []))
    for value in values:
        if value not in EXPAND:
            raise Invalid.at(["query", "expand"], f"Input should be one of {', '.join(EXPAND)}")
    return values


def _schema_override(value: object) -> dict[str, Any]:
    if value is None or isinstance(value, msgspec.UnsetType):
        return _bodies.SCHEMA
    if isinstance(value, dict):
        return value  # pyright: ignore[reportUnknownVariableType]
    try:
        parsed = json.loads(str(value))
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise Invalid.at(["body", "data_schema_override"], "Input should be a JSON object or its JSON text")
    return parsed  # pyright: ignore[reportUnknownVariableType]


def _token(seq: int) -> str:
    return base64.urlsafe_b64encode(f"before:{seq}".encode()).decode().rstrip("=")


def _untoken(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, seq = text.partition(":")
        if kind == "before":
            return int(seq)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise Invalid.at(["query", "page_token"], "Invalid page token")
