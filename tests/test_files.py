"""``client.files``: uploads that stream and start over, and the files API, over real
sockets against FakeLlamaCloud."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from llamacloud_async import AsyncLlamaCloud, InternalServerError, LlamaCloud, NotFoundError
from llamacloud_async.testing import FakeLlamaCloud, Reset, Status
from llamacloud_async.types import FileCreateResponse, FileRetrieveResponse, PresignedURL

from .conftest import API_KEY

ROOT = Path(__file__).resolve().parent.parent


def client_for(fake: FakeLlamaCloud, **options: object) -> AsyncLlamaCloud:
    return AsyncLlamaCloud(api_key=API_KEY, base_url=fake.base_url, retry_backoff=0.01, **options)  # type: ignore[arg-type]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_create_accepts_bytes_paths_file_objects_and_tuples(
    fake: FakeLlamaCloud, tmp_path: Path
) -> None:
    invoice = tmp_path / "invoice-7.pdf"
    invoice.write_bytes(b"%PDF invoice seven")
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"header|the notes")
    async with client_for(fake) as client:
        from_bytes = await client.files.create(file=b"raw bytes", purpose="extract")
        from_str = await client.files.create(file=str(invoice), purpose="extract", external_file_id="inv-7")
        from_path = await client.files.create(file=invoice, purpose="parse", project_id="p-1")
        with notes.open("rb") as handle:
            handle.seek(len(b"header|"))
            from_object = await client.files.create(file=handle, purpose="extract")
            assert not handle.closed  # the caller's file stays theirs
        from_tuple = await client.files.create(file=("scan.png", b"\x89PNG", "image/png"), purpose="extract")
        in_memory = await client.files.create(file=("memo.txt", io.BytesIO(b"in memory")), purpose="extract")

    assert isinstance(from_bytes, FileCreateResponse)
    assert (from_bytes.name, from_str.name, from_object.name, from_tuple.name) == (
        "upload",
        "invoice-7.pdf",
        "notes.txt",
        "scan.png",
    )
    assert from_str.external_file_id == "inv-7"
    assert from_str.file_type == "pdf"
    assert from_path.purpose == "parse"
    assert from_path.project_id == "p-1"
    stored = fake.files.files
    assert stored[from_object.id].text == "the notes"  # read from where the file object stood
    assert stored[from_bytes.id].sha256 == sha(b"raw bytes")
    assert stored[in_memory.id].text == "in memory"
    assert fake.files.uploads_by_sha256[sha(b"%PDF invoice seven")] == 2
    uploads = [r for r in fake.requests if r.method == "POST"]
    assert {r.path for r in uploads} == {"/api/v1/beta/files"}
    assert uploads[2].query == [("project_id", "p-1")]
    assert all(r.headers["Content-Type"].startswith("multipart/form-data; boundary=") for r in uploads)
    assert all("Content-Length" in r.headers for r in uploads)  # sized, not chunked


async def test_bad_input_is_refused_before_any_request(fake: FakeLlamaCloud, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    text = tmp_path / "text.txt"
    text.write_text("words")
    async with client_for(fake) as client:
        with pytest.raises(FileNotFoundError, match="no such file"):
            await client.files.create(file=tmp_path / "missing.pdf", purpose="extract")
        with pytest.raises(IsADirectoryError, match="is a directory"):
            await client.files.create(file=tmp_path, purpose="extract")
        with pytest.raises(ValueError, match="unknown purpose 'extraction'"):
            await client.files.create(file=b"x", purpose="extraction")
        with pytest.raises(ValueError, match="is empty"):
            await client.files.create(file=empty, purpose="extract")
        with pytest.raises(ValueError, match="is empty"):
            await client.files.create(file=b"", purpose="extract")
        with text.open() as handle, pytest.raises(TypeError, match="binary mode"):
            await client.files.create(file=handle, purpose="extract")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not int"):
            await client.files.create(file=42, purpose="extract")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="tuple"):
            await client.files.create(file=("a",), purpose="extract")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="file_id"):
            await client.files.retrieve("../etc")
        with pytest.raises(ValueError, match="expires_at_seconds"):
            await client.files.content("dfl-1", expires_at_seconds=0)
    assert fake.requests == []


async def test_retrieve_content_and_delete(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        created = await client.files.create(file=("a.txt", b"alpha"), purpose="extract")
        got = await client.files.retrieve(created.id, expand=["download_url"])
        url = await client.files.content(created.id, expires_at_seconds=60)
        await client.files.delete(created.id)
        with pytest.raises(NotFoundError):
            await client.files.retrieve(created.id)
    assert isinstance(got, FileRetrieveResponse)
    assert got.id == created.id
    assert isinstance(url, PresignedURL)
    assert url.expires_at.tzinfo is not None
    assert url.url not in repr(url)  # a presigned URL is a credential
    assert [(r.method, r.query) for r in fake.requests[1:3]] == [
        ("GET", [("expand", "download_url")]),
        ("GET", [("expires_at_seconds", "60")]),
    ]


async def test_every_files_call_takes_extra_headers_and_extra_query(fake: FakeLlamaCloud) -> None:
    extras = {"extra_headers": {"X-Trace": "files"}, "extra_query": {"tag": "t"}}
    async with client_for(fake) as client:
        created = await client.files.create(
            file=("a.txt", b"alpha"), purpose="extract", extra_body={"note": "from-a-test"}, **extras
        )
        await client.files.retrieve(created.id, **extras)
        await client.files.content(created.id, **extras)
        assert [f.id async for f in client.files.list(**extras)] == [created.id]
        await client.files.delete(created.id, **extras)
    assert len(fake.requests) == 5
    assert all(r.headers["X-Trace"] == "files" and ("tag", "t") in r.query for r in fake.requests)


async def test_extra_body_of_an_upload_must_be_form_values(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        with pytest.raises(TypeError, match=r"extra_body\['meta'\] must be a str, number or bool"):
            await client.files.create(file=b"alpha", purpose="extract", extra_body={"meta": {"a": 1}})
    assert fake.requests == []


def test_sync_client_uploads(tmp_path: Path) -> None:
    document = tmp_path / "doc.txt"
    document.write_bytes(b"sync document")
    with (
        FakeLlamaCloud().serve_in_thread() as fake,
        LlamaCloud(api_key="k", base_url=fake.base_url) as client,
    ):
        created = client.files.create(file=document, purpose="extract")
        assert client.files.retrieve(created.id).name == "doc.txt"
    assert fake.files.uploads_by_sha256[sha(b"sync document")] == 1


@pytest.mark.parametrize("kind", ["path", "file object"])
async def test_an_upload_reset_mid_body_is_sent_again_from_its_start(
    fake: FakeLlamaCloud, tmp_path: Path, kind: str
) -> None:
    data = os.urandom(1024) * (16 * 1024)  # 16 MiB: more than loopback buffers hold
    document = tmp_path / "big.bin"
    document.write_bytes(data)
    fake.inject(Reset(), route="file-create", times=1)  # reset before the body is read
    async with client_for(fake) as client:
        if kind == "path":
            created = await client.files.create(file=document, purpose="extract")
        else:
            with document.open("rb") as handle:
                created = await client.files.create(file=handle, purpose="extract")
    assert len([r for r in fake.requests if r.method == "POST"]) == 2
    stored = fake.files.files[created.id]
    assert (stored.size, stored.sha256) == (len(data), sha(data))  # whole, from the first byte
    assert fake.files.uploads_by_sha256 == {sha(data): 1}


async def test_an_upload_the_server_answered_is_not_retried(fake: FakeLlamaCloud) -> None:
    fake.inject(Status(503), route="file-create", times=1)
    async with client_for(fake) as client:
        with pytest.raises(InternalServerError) as raised:
            await client.files.create(file=b"document", purpose="extract")
    assert len(fake.requests) == 1  # it may have been processed: not sent blindly again
    assert raised.value.request.method == "POST"
    assert raised.value.request.content == b""  # an upload is streamed, never held whole


def test_a_200_mb_upload_streams_in_bounded_memory(fake_in_thread: FakeLlamaCloud, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    script = textwrap.dedent(
        f"""
        import resource, sys
        from llamacloud_async import LlamaCloud

        def peak_mb():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        with LlamaCloud(api_key="k", base_url={fake_in_thread.base_url!r}, timeout=120) as client:
            client.files.create(file=b"warm up", purpose="extract")
            before = peak_mb()
            created = client.files.create(file={str(big)!r}, purpose="extract")
            print(created.id, round(peak_mb() - before, 1))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
    )
    file_id, growth = result.stdout.split()
    print(f"peak growth uploading 200 MB: {growth} MB")
    assert fake_in_thread.files.files[file_id].size == 200 * 1024 * 1024
    assert float(growth) < 20, f"the process grew by {growth} MB uploading 200 MB"


@pytest.fixture
def fake_in_thread() -> object:
    with FakeLlamaCloud().serve_in_thread() as fake:
        yield fake


def test_file_objects_without_a_name_upload_as_upload() -> None:
    from llamacloud_async._upload import file_source

    source = file_source(io.BytesIO(b"abc"))
    assert (source.name, source.size, source.content_type) == ("upload", 3, "application/octet-stream")
    assert file_source(("a.pdf", b"x")).content_type == "application/pdf"


def test_the_official_sdk_uploads_to_the_fake_and_accepts_its_bodies(tmp_path: Path) -> None:
    from llama_cloud import LlamaCloud as OfficialLlamaCloud

    document = tmp_path / "official.txt"
    document.write_bytes(b"uploaded by the official SDK")
    with FakeLlamaCloud().serve_in_thread() as fake:
        official = OfficialLlamaCloud(api_key="k", base_url=fake.base_url, max_retries=0)
        created = official.files.create(file=document, purpose="extract", external_file_id="e-1")
        assert official.files.retrieve(created.id).external_file_id == "e-1"
        assert official.files.content(created.id).url.startswith("http")
        official.files.delete(created.id)
        official.close()
    assert created.name == "official.txt"
    assert fake.files.uploads_by_sha256[sha(b"uploaded by the official SDK")] == 1


SCHEMA = {
    "type": "object",
    "properties": {
        "vendor": {"type": "string"},
        "total": {"type": "number"},
        "paid": {"type": "boolean"},
        "invoice_number": {"type": "string"},
    },
}


def test_a_job_on_an_uploaded_file_extracts_from_its_text() -> None:
    from llamacloud_async.testing import ManualClock

    text = b"Invoice\nvendor: Acme Tools\nTotal: 1,250.50\npaid: yes\n"
    with FakeLlamaCloud(clock=ManualClock()).serve_in_thread() as fake:
        from llama_cloud import LlamaCloud as OfficialLlamaCloud

        official = OfficialLlamaCloud(api_key="k", base_url=fake.base_url, max_retries=0)
        first = official.files.create(file=("a.txt", text), purpose="extract")
        again = official.files.create(file=("b.txt", text), purpose="extract")
        results = []
        for file_id in (first.id, again.id):
            job = official.extract.create(file_input=file_id, configuration={"data_schema": SCHEMA})
            results.append(official.extract.get(job.id).extract_result)
        official.close()
    assert results[0] == results[1]  # the same text, the same result, whatever the file's ID
    assert isinstance(results[0], dict)
    assert {k: results[0][k] for k in ("vendor", "total", "paid")} == {
        "vendor": "Acme Tools",
        "total": 1250.5,
        "paid": True,
    }
    assert isinstance(results[0]["invoice_number"], str)  # not in the text: derived from its hash


async def test_list_pages_lazily_with_filters(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        created = [
            await client.files.create(file=(f"f{i}.txt", f"content {i}".encode()), purpose="extract")
            for i in range(5)
        ]
        tagged = await client.files.create(file=b"tagged", purpose="extract", external_file_id="sha-1")
        everything = [f.id async for f in client.files.list(page_size=2)]
        first = await client.files.list(page_size=2, order_by="created_at")
        by_external = [f.id async for f in client.files.list(external_file_id="sha-1")]
        chosen = [f.id async for f in client.files.list(file_ids=[created[0].id, created[3].id])]
        with pytest.raises(ValueError, match="order_by"):
            client.files.list(order_by="size")
    assert everything == [f.id for f in created] + [tagged.id]
    assert len([r for r in fake.requests if r.route == "file-list"]) >= 4  # 3 pages of 2 for everything
    assert [f.id for f in first.items] == [tagged.id, created[4].id]
    assert first.next_page_token is not None
    assert by_external == [tagged.id]
    assert chosen == [created[0].id, created[3].id]


def test_sync_list_returns_the_first_page_and_iterates_all() -> None:
    with (
        FakeLlamaCloud().serve_in_thread() as fake,
        LlamaCloud(api_key="k", base_url=fake.base_url) as client,
    ):
        ids = [client.files.create(file=bytes([65 + i]), purpose="extract").id for i in range(3)]
        page = client.files.list(page_size=2)
        assert [f.id for f in page.items] == ids[:2]
        assert [f.id for f in page] == ids


async def test_raw_responses_keep_the_reply_and_parse_to_the_model(fake: FakeLlamaCloud) -> None:
    async with client_for(fake) as client:
        raw = await client.files.with_raw_response.create(file=b"raw", purpose="extract")
        created = await raw.parse()
        got = await client.files.with_raw_response.retrieve(created.id)
        link = await client.files.with_raw_response.content(created.id)
        assert (await got.parse()).id == created.id
        assert isinstance(await link.parse(), PresignedURL)
        deleted = await client.files.with_raw_response.delete(created.id)
        assert await deleted.parse() is None  # as the official raw delete
        assert deleted.status_code in (200, 204)
        with pytest.raises(NotFoundError):
            await client.files.retrieve(created.id)
    assert raw.status_code == 200
    assert isinstance(created, FileCreateResponse)
