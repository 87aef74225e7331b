"""The state database and the storage directory (`sohoa.store`): migrations on an empty and a
populated database (SQLite and PostgreSQL), models and migrations agreeing, atomic and
content-addressed files, and the fan-in counters doing each transition exactly once."""

from __future__ import annotations

import os
import uuid

import pytest
from sohoa.store import db, models, state
from sohoa.store.models import Base, BatchState, InputState, PageState
from sohoa.store.storage import Storage, sha256_file
from sqlalchemy import create_engine, inspect, select, text

from .conftest import require_services

PG_ADMIN = os.environ.get("SOHOA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture
def postgres_url():
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    if not _postgres_available():
        if require_services():
            pytest.fail(f"PostgreSQL is required (SOHOA_REQUIRE_SERVICES=1) but not reachable at {PG_ADMIN}")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    name = f"sohoa_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.db'}"
    return request.getfixturevalue("postgres_url")


def test_upgrade_empty_database_and_models_match_migrations(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert db.upgrade(database_url) == db.head_revision()
    engine = db.make_engine(database_url)
    try:
        assert {
            "batches",
            "inputs",
            "pages",
            "documents",
            "fields",
            "signature_requests",
            "signatures",
            "events",
        } <= (db.table_names(engine))
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert db.is_current(engine)
    finally:
        engine.dispose()
    assert db.upgrade(database_url) == db.head_revision()  # running it again changes nothing


def test_upgrade_populated_database_keeps_its_rows(database_url):
    db.upgrade(database_url, "0001")
    engine = db.make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO batches (id, name, state, one_document, inputs_pending, created_at, updated_at) "
                    "VALUES (1, 'old', 'done', false, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO inputs (id, batch_id, position, name, source_path, source_key, source_sha256, state, "
                    "pages_pending, docs_pending, created_at, updated_at) VALUES (1, 1, 1, 'scan', 'scan.pdf', "
                    "'sources/ab/x/scan.pdf', 'ab', 'done', 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                text(
                    'INSERT INTO pages (input_id, "index", state, status, warnings, dpi_known, attempts, '
                    "created_at, updated_at) VALUES (1, 1, 'done', 'document', '[]', true, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        assert db.current_revision(engine) == "0001"
    finally:
        engine.dispose()

    assert db.upgrade(database_url) == db.head_revision()
    engine = db.make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name, state, origin FROM batches")).all() == [
                ("old", "done", "submit")
            ]
            assert conn.execute(text("SELECT count(*) FROM pages WHERE state = 'done'")).scalar() == 1
        indexes = {i["name"] for i in inspect(engine).get_indexes("pages")}
        assert "ix_pages_input_id_state" in indexes
    finally:
        engine.dispose()


def test_storage_writes_atomically(tmp_path):
    storage = Storage(tmp_path)
    storage.write_bytes("inputs/1/result.json", b"old")
    with pytest.raises(RuntimeError), storage.writing("inputs/1/result.json") as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("crash while writing")
    assert storage.read_bytes("inputs/1/result.json") == b"old"
    assert storage.files() == ["inputs/1/result.json"]
    assert not list(tmp_path.rglob("*.part"))
    with pytest.raises(ValueError):
        storage.path("../outside")


def test_sources_are_content_addressed(tmp_path):
    storage = Storage(tmp_path / "store")
    a = tmp_path / "a" / "scan.png"
    a.parent.mkdir()
    a.write_bytes(b"\x89PNG same bytes")
    b = tmp_path / "b" / "scan.png"
    b.parent.mkdir()
    b.write_bytes(b"\x89PNG same bytes")
    key_a, sha_a = storage.put_source(a)
    key_b, sha_b = storage.put_source(b)
    assert (key_a, sha_a) == (key_b, sha_b)
    assert sha_a == sha256_file(a)
    assert len(storage.files("sources")) == 1

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "page-1.png").write_bytes(b"one")
    (folder / "page-2.png").write_bytes(b"two")
    key, _ = storage.put_source(folder)
    assert sorted(p.name for p in storage.path(key).iterdir()) == ["page-1.png", "page-2.png"]


def _session(url: str):
    engine = db.make_engine(url)
    return engine, db.session_factory(engine)


def test_fan_in_happens_once(database_url):
    """Pages finishing (twice, as a duplicate message would) count down once; the last one, and
    only it, asks for the split; the split and the documents finish the input and the batch once."""
    db.upgrade(database_url)
    engine, sessions = _session(database_url)
    try:
        with db.transaction(sessions) as s:
            batch_id = state.create_batch(
                s, "t", [state.SourceFile("scan", "sources/x/scan.pdf", "x", "scan.pdf")]
            )
            assert state.claim_submitted(s) == [batch_id]
            assert state.claim_submitted(s) == []
            input_id = state.work_for_batch(s, batch_id)[0].entity_id
        with db.transaction(sessions) as s:
            ids = [state.add_page(s, input_id, i, image_key=f"k{i}", dpi=200)[0] for i in (1, 2, 3)]
            assert state.add_page(s, input_id, 2, image_key="k2", dpi=200)[0] == ids[1]  # a re-read: same row
            state.add_page(
                s, input_id, 4, image_key=None, dpi=None, error=state.ErrorRecord("bad_input", "x")
            )
            assert state.input_read(s, input_id, 4, None) == []
            assert state.input_read(s, input_id, 4, None) == []

        def done(page_id):
            with db.transaction(sessions) as s:
                return state.page_done(
                    s, page_id, ocr_key="o", rotation=0, skew_deg=0.0, warnings=[], kind="title",
                    doc_type="birth_certificate", class_confidence=0.9,
                )  # fmt: skip

        assert done(ids[0]) == []
        assert done(ids[0]) == []  # duplicate: no second countdown
        with db.transaction(sessions) as s:
            assert state.page_failed(s, ids[1], state.ErrorRecord("ocr_failed", "x")) == []
        assert done(ids[2]) == [state.Step(state.SPLIT, input_id)]
        assert done(ids[2]) == []

        docs = [state.FoundDocument("birth_certificate", 0.9, [1]), state.FoundDocument("unknown", 0.5, [3])]
        with db.transaction(sessions) as s:
            steps = state.input_split(s, input_id, docs, {1: "document", 3: "document"})
            assert [st.actor for st in steps] == [state.EXTRACT, state.EXTRACT]
            assert state.input_split(s, input_id, docs, {1: "document", 3: "document"}) == []
        doc_ids = [st.entity_id for st in steps]
        for i, doc_id in enumerate(doc_ids):
            with db.transaction(sessions) as s:
                assert state.document_extracted(s, doc_id, form_version=None, fields={}, issues=[]) == [
                    state.Step(state.PDF, doc_id)
                ]
                assert state.document_extracted(s, doc_id, form_version=None, fields={}, issues=[]) == []
            with db.transaction(sessions) as s:
                expected = [state.Step(state.FINISH, input_id)] if i == len(doc_ids) - 1 else []
                assert state.document_done(s, doc_id, pdf_key=f"d{i}", pdf_sha256="0" * 64) == expected
                assert state.document_done(s, doc_id, pdf_key=f"d{i}", pdf_sha256="0" * 64) == []
        with db.transaction(sessions) as s:
            state.input_done(s, input_id)
            state.input_done(s, input_id)
        with sessions() as s:
            st = state.batch_status(s, batch_id)
            assert st.finished and st.state == BatchState.done
            assert st.inputs[InputState.done] == 1
            assert st.pages == {PageState.pending: 0, PageState.done: 2, PageState.failed: 2}
            assert st.documents["done"] == 2
            kinds = [e for (e,) in s.execute(text("SELECT kind FROM events WHERE entity = 'batch'"))]
            assert kinds.count("batch_done") == 1
    finally:
        engine.dispose()


def test_the_same_page_added_by_two_readers_at_once(postgres_url):
    """Two readers of one input insert the same page concurrently: the second waits on the unique
    key, then gets the first one's row instead of failing the whole input (nothing twice)."""
    import threading

    db.upgrade(postgres_url)
    engine, sessions = _session(postgres_url)
    try:
        with db.transaction(sessions) as s:
            batch_id = state.create_batch(
                s, "t", [state.SourceFile("scan", "sources/x/scan.pdf", "x", "scan.pdf")]
            )
            state.claim_submitted(s)
            input_id = state.work_for_batch(s, batch_id)[0].entity_id
        first = sessions()
        first_id, _ = state.add_page(first, input_id, 1, image_key="k1", dpi=200)  # not committed yet
        result = {}

        def second_reader():
            with db.transaction(sessions) as s:
                result["page"] = state.add_page(s, input_id, 1, image_key="k1", dpi=200)

        t = threading.Thread(target=second_reader)
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive(), "the second insert should wait for the first transaction"
        first.commit()
        first.close()
        t.join(timeout=30)
        assert result["page"][0] == first_id
        with db.transaction(sessions) as s:
            pages = state.pages_of_input(s, input_id)
            assert len(pages) == 1
            assert (
                s.execute(select(models.Input.pages_pending).where(models.Input.id == input_id)).scalar_one()
                == 1
            )
    finally:
        engine.dispose()


def test_a_connection_the_server_dropped_is_replaced(postgres_url, monkeypatch):
    """Pooled PostgreSQL connections are pinged only when they were idle for a while
    (db.PING_AFTER_IDLE_SECONDS), not before every transaction. One the server dropped meanwhile (a
    restart) is then replaced without an error; one dropped while it was in steady use fails its
    next transaction with a disconnect, which the workers retry (a transient error), and the pool
    is renewed for the next."""
    from sohoa.workers.actors import is_transient
    from sqlalchemy.exc import DBAPIError

    engine, admin = db.make_engine(postgres_url), db.make_engine(postgres_url)

    def backend() -> int:
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

    def drop(pid: int) -> None:
        with admin.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()

    try:
        pid = backend()
        assert backend() == pid  # used a moment ago: no ping, the same connection
        drop(pid)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has idled: pinged, replaced
        replaced = backend()
        assert replaced != pid

        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
        drop(replaced)
        with pytest.raises(DBAPIError) as failed:
            backend()
        assert failed.value.connection_invalidated and is_transient(failed.value)
        assert backend() not in (pid, replaced)
    finally:
        engine.dispose()
        admin.dispose()


def test_ocr_page_round_trip_and_the_layout_before_shared_page_images(tmp_path):
    """An OCR'd page reads back with its upright image derived from the stored page (and, when asked,
    the cleaned image OCR read, made again pixel for pixel); one written in the earlier layout
    (upright PNG beside the JSON, no `image_key`) still reads back the same."""
    import json

    from sohoa.pipeline.parallel import read_page
    from sohoa.pipeline.types import Page
    from sohoa.store import codec
    from sohoa.store.storage import ocr_image_key, ocr_key

    from .drawn import birth_certificate

    storage = Storage(tmp_path)
    turned = Page(index=0, image=birth_certificate().rotate(90, expand=True), dpi=150, dpi_known=True)
    ocr = read_page(turned)
    assert ocr.prepared.rotation != 0
    image_key = codec.save_page_image(storage, 1, turned)
    key = ocr_key(1, 0)
    codec.save_ocr_page(storage, key, image_key, ocr)
    (new,) = pages = [codec.load_ocr_page(storage, key)]
    assert new.prepared.upright.size == ocr.prepared.upright.size
    assert [w.text for w in new.words] == [w.text for w in ocr.words]
    assert new.prepared.ocr_image is None  # not asked for: nothing decoded or cleaned for it
    upright_pixels = new.prepared.upright.convert("L").tobytes()
    codec.close_ocr_pages(pages)
    # Asked for (extraction re-reads crops of it), the OCR image is the one stored beside the JSON,
    # or when that is gone, made again from the stored page and its recorded tilt: either way the
    # very pixels recognition read.
    assert storage.exists(ocr_image_key(key))
    for _ in ("stored", "made again"):
        again = codec.load_ocr_page(storage, key, with_ocr_image=True)
        assert again.prepared.ocr_image.size == ocr.prepared.ocr_image.size
        assert again.prepared.ocr_image.tobytes() == ocr.prepared.ocr_image.tobytes()
        codec.close_ocr_pages([again])
        storage.delete(ocr_image_key(key))

    data = json.loads(storage.read_bytes(key))
    del data["image_key"]
    storage.write_bytes(key, json.dumps(data).encode())
    storage.write_bytes(
        key.replace("/ocr/", "/upright/").replace(".json", ".png"), codec.image_png(ocr.prepared.upright)
    )
    old = codec.load_ocr_page(storage, key)
    assert old.prepared.upright.convert("L").tobytes() == upright_pixels
    assert [w.text for w in old.words] == [w.text for w in ocr.words]
    codec.close_ocr_pages([old])
