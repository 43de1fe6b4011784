"""Registry imports commit in batches: other writers get through between them; every committed batch is complete;
an import that stops part-way is resumed to the end by its re-run; a strict import writes only a clean file; one
writing import at a time (the second waits, or gives up with a message, never crashes)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from tests.registry.conftest import CODE_A

from zhaoshang.core import hooks
from zhaoshang.core.models import AuditEntry
from zhaoshang.registry import bulk_db, importing, services
from zhaoshang.registry.models import Enterprise, ImportBatch

ROWS = 40


def _file(write_csv, rows=ROWS, bad_row=None):
    body = [[f"株洲分批{i:03d}科技有限公司", f"湖南省株洲市天元区{i}号", "软件开发"] for i in range(rows)]
    if bad_row is not None:
        body[bad_row][0] = ""  # no name: rejected
    return write_csv(["企业名称", "住所", "经营范围"], body)


@pytest.fixture
def small_batches(monkeypatch):
    """Chunks of 5 rows, a commit after every chunk, the large-file full-text path (filled per batch)."""
    monkeypatch.setattr(importing, "CHUNK_ROWS", 5)
    monkeypatch.setattr(importing, "COMMIT_ROWS", 5)
    monkeypatch.setattr(bulk_db, "SQLITE_DEFERRED_FTS_ROWS", 1)


@pytest.fixture
def firms_changed():
    seen: list[list[int]] = []

    def hook(actor, ids, progress=None):
        seen.append(list(ids))

    hooks.on_firms_changed(hook)
    yield seen
    hooks._firms_changed.remove(hook)


def _fts_ok():
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO registry_enterprise_fts(registry_enterprise_fts) VALUES ('integrity-check')"
            )
            cursor.execute(
                "INSERT INTO registry_enterprise_name_fts(registry_enterprise_name_fts) VALUES ('integrity-check')"
            )


@pytest.mark.django_db(transaction=True)
def test_each_batch_is_its_own_transaction_and_is_complete_when_it_commits(
    cast, write_csv, small_batches, firms_changed, monkeypatch
):
    opened_inside_a_transaction = []
    real_open = importing._Segments.open

    def open_(self):
        if self._stack is None:
            opened_inside_a_transaction.append(connection.in_atomic_block)
        real_open(self)

    monkeypatch.setattr(importing._Segments, "open", open_)
    result = services.import_enterprises(cast.officer, _file(write_csv), cast.bureau)
    assert result.counts["created"] == ROWS
    assert len(opened_inside_a_transaction) == ROWS // 5 and not any(opened_inside_a_transaction)
    # the capabilities saw each batch's firms, once each, in batches
    assert len(firms_changed) == ROWS // 5
    assert sorted(pk for ids in firms_changed for pk in ids) == sorted(
        Enterprise.objects.values_list("pk", flat=True)
    )
    _fts_ok()
    assert len(services.search_enterprises(cast.officer, "分批")) == ROWS
    batch = result.batch
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.rows_done == ROWS
    assert (
        AuditEntry.objects.filter(model="registry.importbatch", action=AuditEntry.Action.IMPORT).count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_another_connection_writes_between_the_batches_of_a_running_import(cast, write_csv, small_batches):
    """A write started while batch 1 holds the lock lands before the import ends (it waited for one batch)."""
    done = threading.Event()
    calls = []

    def write_elsewhere():
        try:
            from zhaoshang.core import audit

            audit.record(
                None, AuditEntry.Action.UPDATE, cast.bureau, {"note": [None, "写入"]}, note="并发写入"
            )
            done.set()
        finally:
            connections.close_all()

    def hook(actor, ids, progress=None):
        calls.append(len(ids))
        if len(calls) == 1:
            threading.Thread(target=write_elsewhere, daemon=True).start()  # blocks: batch 1 holds the lock
        elif len(calls) == 3:
            # two commits later: the other writer must have been let through
            assert done.wait(30), "the other writer waited for more than the batch it met"

    hooks.on_firms_changed(hook)
    try:
        result = services.import_enterprises(cast.officer, _file(write_csv), cast.bureau)
    finally:
        hooks._firms_changed.remove(hook)
    assert result.counts["created"] == ROWS and len(calls) == ROWS // 5 and done.is_set()
    assert AuditEntry.objects.filter(note="并发写入").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_part_way_keeps_whole_batches_and_its_rerun_resumes_it_to_the_end(
    cast, write_csv, small_batches, monkeypatch, tmp_path
):
    path = _file(write_csv)
    fresh = services.import_enterprises(cast.officer, path, cast.bureau, dry_run=True).counts
    calls = []

    def failing(actor, ids, progress=None):
        calls.append(ids)
        if len(calls) == 3:
            raise RuntimeError("disk full")

    hooks.on_firms_changed(failing)
    try:
        with pytest.raises(RuntimeError):
            services.import_enterprises(cast.officer, path, cast.bureau)
    finally:
        hooks._firms_changed.remove(failing)
    # batches 1 and 2 committed whole; batch 3 rolled back with its rows, audit and index entries
    assert Enterprise.objects.count() == 10
    _fts_ok()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.rows_done == 10
    assert set(Enterprise.objects.values_list("import_batch", flat=True)) == {batch.pk}
    # the re-run (web: the saved file; CLI: the same command) lands the rest, nothing twice
    saved = services.batch_file_path(batch)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(path.read_bytes())
    services.rerun_import(cast.officer, batch, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert batch.counts["created"] == fresh["created"] - 10 and batch.counts["unchanged"] == 10
    assert Enterprise.objects.count() == ROWS == Enterprise.objects.values("name_key").distinct().count()
    _fts_ok()
    assert len(services.search_enterprises(cast.officer, "分批")) == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_strict_import_with_a_rejected_row_late_in_the_file_writes_nothing(
    cast, write_csv, small_batches, firms_changed
):
    result = services.import_enterprises(
        cast.officer, _file(write_csv, bad_row=ROWS - 1), cast.bureau, strict=True
    )
    assert result.refused and result.counts["rejected"] == 1 and result.counts["created"] == ROWS - 1
    assert Enterprise.objects.count() == 0 and firms_changed == []
    assert result.batch.status == ImportBatch.Status.REFUSED
    clean = services.import_enterprises(cast.officer, _file(write_csv), cast.bureau, strict=True)
    assert not clean.refused and Enterprise.objects.count() == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_writes_nothing_and_leaves_the_database_free_for_writers(
    cast, write_csv, small_batches, monkeypatch
):
    states = []
    real = importing._Importer._chunk

    def chunk(self, rows):
        states.append(connection.in_atomic_block)
        real(self, rows)

    monkeypatch.setattr(importing._Importer, "_chunk", chunk)
    result = services.import_enterprises(cast.officer, _file(write_csv), cast.bureau, dry_run=True)
    assert result.counts["created"] == ROWS and Enterprise.objects.count() == 0
    if connection.vendor == "sqlite":  # no BEGIN IMMEDIATE: the write lock stays free
        assert states and not any(states)


@pytest.mark.django_db(transaction=True)
def test_a_second_import_waits_for_the_first_and_gives_up_with_a_message_never_a_crash(
    cast, write_csv, settings
):
    path = _file(write_csv, rows=3)
    held, release = threading.Event(), threading.Event()

    def first():
        try:
            with bulk_db.import_lock():
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=first, daemon=True)
    holder.start()
    assert held.wait(10)
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 1
    with pytest.raises(bulk_db.ImportBusyError) as refused:
        services.import_enterprises(cast.officer, path, cast.bureau)
    assert "另一个导入" in str(refused.value)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and "另一个导入" in batch.message
    assert Enterprise.objects.count() == 0
    # once the first one ends, the next import goes through; while it waits it keeps its heartbeat
    settings.REGISTRY_IMPORT_WAIT_SECONDS = 30
    beats = []
    threading.Timer(1.5, release.set).start()
    with bulk_db.import_lock(lambda: beats.append(1)):
        pass
    assert beats
    holder.join(10)
    result = services.import_enterprises(cast.officer, path, cast.bureau)
    assert result.counts["created"] == 3


@pytest.mark.django_db(transaction=True)
def test_a_code_landed_by_an_earlier_batch_is_found_by_a_later_one(cast, write_csv, small_batches):
    rows = [[f"株洲分批{i:03d}科技有限公司", "", ""] for i in range(12)]
    rows[0][1] = CODE_A
    rows[11] = [rows[0][0], CODE_A, "轨道交通"]  # the same firm again, two batches later
    path = write_csv(["企业名称", "统一社会信用代码", "经营范围"], rows)
    result = services.import_enterprises(cast.officer, path, cast.bureau)
    assert result.counts["created"] == 11 and Enterprise.objects.filter(uscc=CODE_A).count() == 1


def test_between_batches_the_import_leaves_the_lock_free_for_the_rest_of_the_gap_only(monkeypatch):
    """The rows read after a commit count toward the writers' gap: the import sleeps only for what is left."""
    import time

    from django.db import connection

    from zhaoshang.registry import bulk_db

    slept: list[float] = []
    monkeypatch.setattr(bulk_db.time, "sleep", slept.append)
    now = time.monotonic()
    bulk_db.let_writers_in(now - 0.5)  # reading the next rows took longer than the gap
    bulk_db.let_writers_in(now - 0.03)
    if connection.vendor == "sqlite":
        assert slept == [pytest.approx(bulk_db.SQLITE_WRITER_GAP_SECONDS - 0.03, abs=0.02)]
    else:
        assert slept == []  # PostgreSQL's writers do not wait for the import's lock
