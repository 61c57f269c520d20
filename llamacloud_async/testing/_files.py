"""The fake's files: multipart uploads read in chunks, and the files API over them.

An upload is never held whole: the file part is hashed as it arrives and only its first
``TEXT_LIMIT`` bytes are kept, as text, for what jobs on it extract. ``uploads_by_sha256``
counts how many times each content was uploaded, so a test can assert that nothing was
uploaded twice.

    POST   /api/v1/beta/files                  upload (multipart: file, purpose, external_file_id)
    GET    /api/v1/beta/files                  list: external_file_id, file_ids, file_name,
                                               order_by, page_size, page_token
    GET    /api/v1/beta/files/{id}             retrieve
    DELETE /api/v1/beta/files/{id}             delete
    GET    /api/v1/beta/files/{id}/content     a presigned URL
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import BodyPartReader, web

from ._jobs import Endpoint, _json  # pyright: ignore[reportPrivateUsage]

__all__ = ["FileStore", "StoredFile"]

TEXT_LIMIT = 64 * 1024
"""Bytes of each upload kept, as text, for deterministic results."""

PURPOSES = frozenset({"user_data", "parse", "extract", "classify", "split", "sheet", "agent_app"})

_CHUNK = 64 * 1024
_FIELD_LIMIT = 4096
_CREATED = datetime(2025, 3, 4, 10, 15, 30, tzinfo=timezone.utc)


def _uuid(seed: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode()).digest()[:16], version=4))


_PROJECT = "prj-" + _uuid("project")


@dataclass
class StoredFile:
    """One uploaded file: its metadata, content hash and leading text."""

    id: str
    name: str
    size: int
    sha256: str
    purpose: str
    project_id: str
    external_file_id: str | None
    text: str
    """The first ``TEXT_LIMIT`` bytes, decoded as UTF-8 (undecodable bytes replaced)."""
    seq: int

    def body(self) -> dict[str, Any]:
        """The file as the API describes it."""
        stamp = (_CREATED + timedelta(seconds=self.seq)).isoformat().replace("+00:00", "Z")
        suffix = self.name.rpartition(".")[2].lower() if "." in self.name else None
        return {
            "id": self.id,
            "name": self.name,
            "project_id": self.project_id,
            "external_file_id": self.external_file_id,
            "file_type": suffix,
            "purpose": self.purpose,
            "last_modified_at": stamp,
            "expires_at": None,
        }


class FileStore:
    """Files uploaded to one fake server, by ID, in upload order."""

    def __init__(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self.uploads_by_sha256: Counter[str] = Counter()
        """How many times each content (by its SHA-256 hex digest) was uploaded."""
        self._uploads = 0

    def text_of(self, file_id: str) -> str | None:
        """The kept text of file ``file_id``, or ``None`` when no such file was uploaded."""
        stored = self.files.get(file_id)
        return stored.text if stored is not None else None

    def endpoints(self) -> list[Endpoint]:
        """The files API's routes, for the server to serve behind its pipeline."""
        return [
            Endpoint("POST", "/api/v1/beta/files", "file-create", self._create),
            Endpoint("GET", "/api/v1/beta/files", "file-list", self._list),
            Endpoint("GET", "/api/v1/beta/files/{id}", "file", self._retrieve),
            Endpoint("DELETE", "/api/v1/beta/files/{id}", "file-delete", self._delete),
            Endpoint("GET", "/api/v1/beta/files/{id}/content", "file-content", self._content),
        ]

    async def _create(self, request: web.Request, id_: str) -> web.Response:
        if not request.content_type.startswith("multipart/"):
            return _json(422, {"detail": "expected a multipart/form-data body"})
        fields: dict[str, str] = {}
        upload: tuple[str, int, str, str] | None = None
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                return _json(422, {"detail": "nested multipart bodies are not accepted"})
            if part.name == "file":
                upload = await _read_file(part)
            elif part.name:
                fields[part.name] = await _read_field(part)
        if upload is None:
            return _json(422, {"detail": [{"loc": ["body", "file"], "msg": "Field required"}]})
        purpose = fields.get("purpose")
        if purpose not in PURPOSES:
            return _json(
                422, {"detail": [{"loc": ["body", "purpose"], "msg": f"invalid purpose {purpose!r}"}]}
            )
        name, size, digest, text = upload
        if size == 0:
            return _json(400, {"detail": "The uploaded file is empty"})
        self.uploads_by_sha256[digest] += 1
        seq = self._uploads
        self._uploads += 1
        file_id = "dfl-" + str(
            uuid.UUID(bytes=hashlib.sha256(f"file/{seq}".encode()).digest()[:16], version=4)
        )
        stored = StoredFile(
            id=file_id,
            name=name,
            size=size,
            sha256=digest,
            purpose=purpose,
            project_id=request.query.get("project_id") or _PROJECT,
            external_file_id=fields.get("external_file_id"),
            text=text,
            seq=seq,
        )
        self.files[file_id] = stored
        return _json(200, stored.body())

    async def _list(self, request: web.Request, id_: str) -> web.Response:
        query = request.query
        chosen = list(self.files.values())
        if "external_file_id" in query:
            chosen = [f for f in chosen if f.external_file_id == query["external_file_id"]]
        if "file_ids" in query:
            wanted = set(query.getall("file_ids"))
            chosen = [f for f in chosen if f.id in wanted]
        if "file_name" in query:
            chosen = [f for f in chosen if f.name == query["file_name"]]
        order = query.get("order_by")
        if order == "name":
            chosen.sort(key=lambda f: f.name)
        elif order == "id":
            chosen.sort(key=lambda f: f.id)
        elif order == "created_at":
            chosen.reverse()
        elif order is not None:
            return _json(422, {"detail": f"order_by {order!r} is not supported"})
        try:
            size = min(1000, int(query.get("page_size", "50")))
            start = int(query.get("page_token", "0"))
        except ValueError:
            return _json(422, {"detail": "page_size and page_token must be integers"})
        if size < 1 or start < 0:
            return _json(422, {"detail": "page_size must be positive"})
        page = chosen[start : start + size]
        following = str(start + size) if start + size < len(chosen) else None
        return _json(200, {"items": [f.body() for f in page], "next_page_token": following})

    async def _retrieve(self, request: web.Request, id_: str) -> web.Response:
        stored = self.files.get(id_)
        if stored is None:
            return _json(404, {"detail": "File not found"})
        return _json(200, stored.body())

    async def _delete(self, request: web.Request, id_: str) -> web.Response:
        if self.files.pop(id_, None) is None:
            return _json(404, {"detail": "File not found"})
        return web.Response(status=204)

    async def _content(self, request: web.Request, id_: str) -> web.Response:
        stored = self.files.get(id_)
        if stored is None:
            return _json(404, {"detail": "File not found"})
        seconds = int(request.query.get("expires_at_seconds", "3600"))
        expires = (_CREATED + timedelta(seconds=stored.seq + seconds)).isoformat().replace("+00:00", "Z")
        url = f"{request.scheme}://{request.host}/download/{stored.id}?signature=fake"
        return _json(200, {"url": url, "expires_at": expires})


async def _read_file(part: BodyPartReader) -> tuple[str, int, str, str]:
    """The file part's name, size, SHA-256 and leading text, read in chunks."""
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if len(head) < TEXT_LIMIT:
            head += chunk[: TEXT_LIMIT - len(head)]
    return part.filename or "upload", size, digest.hexdigest(), head.decode("utf-8", errors="replace")


async def _read_field(part: BodyPartReader) -> str:
    """A text field, at most ``_FIELD_LIMIT`` bytes of it; the rest is read and dropped."""
    value = bytearray()
    while chunk := await part.read_chunk(_CHUNK):
        if len(value) < _FIELD_LIMIT:
            value += chunk[: _FIELD_LIMIT - len(value)]
    return value.decode("utf-8", errors="replace")
