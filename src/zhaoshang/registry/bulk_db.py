"""Every database-vendor statement of the registry's bulk writes, in one place.

The import engine (:mod:`zhaoshang.registry.importing`) and the services call these; nothing else in the registry
branches on ``connection.vendor`` for writing (the search has its own, read-only, per-database plans).

* :func:`import_lock` — one writing import at a time, for the whole import (its batches commit one by one, so a
  transaction-level lock would let two imports interleave): a session-level advisory lock on PostgreSQL, an
  exclusive ``flock`` on a file beside the database on SQLite; the second import waits (its heartbeat kept
  alive) and gives up with :class:`ImportBusyError` after ``REGISTRY_IMPORT_WAIT_SECONDS``.
* :func:`bulk_connection` — connection settings for the whole import (SQLite's page cache).
* :func:`segment` — settings and index work inside each committed batch (PostgreSQL's planner switches; SQLite's
  full-text index filled once per batch instead of row by row).
* :func:`insert_rows` — ``COPY`` on PostgreSQL, ``executemany`` elsewhere.
* :func:`merge_pending_index_entries` (SQLite: :func:`merge_full_text_segments`), :func:`refresh_statistics` —
  after an import.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from zhaoshang.registry.core.errors import RegistryCoreError
from zhaoshang.registry.models import Enterprise

log = logging.getLogger(__name__)

#: The key of the PostgreSQL advisory lock every writing registry import holds until it ends.
REGISTRY_IMPORT_LOCK = 2_260_4754
SQLITE_CACHE_KIB = 256 * 1024
#: Imports of at least this many rows fill SQLite's full-text index once per batch instead of through its trigger.
SQLITE_DEFERRED_FTS_ROWS = 20_000
DEFAULT_WAIT_SECONDS = 3600
LOCK_POLL_SECONDS = 0.5

# The pg_trgm GIN indexes of migration 0003. New rows first go to each GIN index's pending list, which every
# search must then read in full: after a big import the planner rightly avoids the indexes and scans the table
# (hundreds of milliseconds per search on 100,000 rows) until autovacuum merges the lists. An import merges them.
TRIGRAM_INDEXES = (
    "registry_ent_name_trgm",
    "registry_ent_short_trgm",
    "registry_ent_scope_trgm",
    "registry_ent_uscc_trgm",
)

BUSY_MESSAGE = "另一个导入正在写入数据库，本次导入未写入任何数据；请稍后重新导入"


class ImportBusyError(RegistryCoreError):
    """Another writing import held the registry longer than this one was willing to wait."""

    code = "database_busy"

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


# --------------------------------------------------------------------------------------------- one import at a time

_MEMORY_LOCKS: dict[str, threading.Lock] = {}
_MEMORY_LOCKS_GUARD = threading.Lock()


def _sqlite_lock_path() -> Path | None:
    """The lock file beside the SQLite database (None for an in-memory database: one process sees it)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name or name.startswith("file:memorydb"):
        return None
    path = Path(name)
    if path.parent.is_dir():
        return path.with_name(path.name + ".import-lock")
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"zhaoshang-registry-import-{digest}.lock"


def wait_seconds() -> float:
    return float(getattr(settings, "REGISTRY_IMPORT_WAIT_SECONDS", DEFAULT_WAIT_SECONDS))


def _wait(try_once: Callable[[], bool], beat: Callable[[], None] | None, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not try_once():
        if time.monotonic() >= deadline:
            raise ImportBusyError
        if beat is not None:
            beat()  # waiting is a sign of life too: the batch must not look interrupted
        time.sleep(LOCK_POLL_SECONDS)


@contextmanager
def import_lock(beat: Callable[[], None] | None = None, *, limit: float | None = None) -> Iterator[None]:
    """Hold the registry's import lock for the whole import; wait for another import to end (see the module)."""
    limit = wait_seconds() if limit is None else limit
    if connection.vendor == "postgresql":

        def try_pg() -> bool:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [REGISTRY_IMPORT_LOCK])
                return bool(cursor.fetchone()[0])

        _wait(try_pg, beat, limit)
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [REGISTRY_IMPORT_LOCK])
            except DatabaseError:  # the connection broke: the server released the lock with the session
                log.warning("could not release the registry import lock", exc_info=True)
        return
    path = _sqlite_lock_path() if connection.vendor == "sqlite" else None
    if path is None:
        name = str(connection.settings_dict.get("NAME") or "")
        with _MEMORY_LOCKS_GUARD:
            lock = _MEMORY_LOCKS.setdefault(name, threading.Lock())
        _wait(lambda: lock.acquire(blocking=False), beat, limit)
        try:
            yield
        finally:
            lock.release()
        return
    # flock: held per open file description, so two threads of one server exclude each other too; the
    # operating system releases it when the process ends, however it ends (kill -9 included)
    with path.open("a+b") as handle:

        def try_file() -> bool:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait(try_file, beat, limit)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


#: SQLite: how long an import leaves the write lock free after each committed batch. A writer that waits for the
#: lock is not queued: SQLite's busy handler retries it after growing sleeps (up to 100 ms), so an import that took
#: the lock again at once would starve it; a pause as long as the retry interval lets every waiting writer in.
SQLITE_WRITER_GAP_SECONDS = 0.1


def let_writers_in(committed_at: float) -> None:
    """Called before an import takes the write lock again (``committed_at``: ``time.monotonic()`` when it last let
    go of it): on SQLite, make the lock's free time at least the gap above. The import reads and checks its next
    rows in that time, outside the transaction, so it waits only for what is left of the gap."""
    if connection.vendor == "sqlite":
        left = SQLITE_WRITER_GAP_SECONDS - (time.monotonic() - committed_at)
        if left > 0:
            time.sleep(left)


# --------------------------------------------------------------------------------------------- settings


@contextmanager
def bulk_connection(expected_rows: int) -> Iterator[None]:
    """SQLite: a larger page cache for this connection during a big import (the default 2 MB makes every index
    insert a disk read); put back afterwards. Nothing elsewhere."""
    if connection.vendor != "sqlite" or expected_rows <= 0:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(previous)}")


def _trigger_sql(cursor: Any, name: str) -> str | None:
    cursor.execute("SELECT sql FROM sqlite_master WHERE type='trigger' AND name=%s", [name])
    row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def segment(expected_rows: int) -> Iterator[None]:
    """Database settings for one committed batch of an import, inside its transaction.

    PostgreSQL: index lookups whatever the (stale) statistics say. The lookups of each chunk (credit code IN …,
    name key IN …) must use their B-tree indexes. The planner's statistics describe the table before the import
    (empty, for a first import), so it would scan the table, which grows chunk by chunk (quadratic time); and it
    may take the trigram GIN index on the code for an equality, which costs seconds per chunk. A local setting
    lasts to the end of the outermost transaction; afterwards the previous values are put back for a caller whose
    transaction goes on (the demo, the tests).

    SQLite, for files of at least ``SQLITE_DEFERRED_FTS_ROWS`` rows: the full-text index is filled once at the end
    of the batch (one ``INSERT … SELECT`` for its new rows) instead of row by row through its trigger: tokenising
    in one pass is about twice as fast. The trigger is dropped and re-created inside the batch's transaction, so
    nothing else can write in between (SQLite has one writer), a rollback restores it, and every committed batch
    leaves the index complete.
    """
    if connection.vendor == "postgresql":
        names = ("enable_seqscan", "enable_bitmapscan")
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
            previous = cursor.fetchone()
            cursor.execute("SELECT " + ", ".join(f"set_config('{n}', 'off', true)" for n in names))
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(f"set_config('{n}', %s, true)" for n in names), list(previous)
            )
        return
    if connection.vendor != "sqlite" or expected_rows < SQLITE_DEFERRED_FTS_ROWS:
        yield
        return
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        trigger_sql = _trigger_sql(cursor, f"{table}_fts_ai")
        if trigger_sql is None:
            deferred = False
        else:
            deferred = True
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM " + table)
            before = int(cursor.fetchone()[0])
            cursor.execute(f"DROP TRIGGER {table}_fts_ai")
            # Rows this batch adds have no index entries yet: the update/delete triggers must leave them alone
            # (an external-content FTS5 'delete' of an absent row corrupts the index).
            guarded: list[tuple[str, str]] = []
            for suffix in ("au", "ad"):
                name = f"{table}_fts_{suffix}"
                sql = _trigger_sql(cursor, name)
                if sql:
                    guarded.append((name, sql))
                    cursor.execute(f"DROP TRIGGER {name}")
                    cursor.execute(re.sub(r"\bBEGIN\b", f"WHEN old.id <= {before} BEGIN", sql, count=1))
    yield
    if deferred:
        from zhaoshang.registry.search import fts_fill_sql

        with connection.cursor() as cursor:
            for statement in fts_fill_sql():
                cursor.execute(statement, [before])
            cursor.execute(trigger_sql)
            for name, sql in guarded:
                cursor.execute(f"DROP TRIGGER {name}")
                cursor.execute(sql)


# --------------------------------------------------------------------------------------------- writing


def insert_rows(insert_sql: str, copy_sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert ``rows``: ``COPY`` on PostgreSQL (an INSERT per row costs ~8 times as much), else ``executemany``."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(insert_sql, rows)


# --------------------------------------------------------------------------------------------- after an import


#: SQLite: leaf pages one step of the full-text merge after an import writes (one short write transaction each).
FTS_MERGE_PAGES = 2000


def merge_full_text_segments() -> None:
    """SQLite: merge the segments of both full-text tables into one, a step at a time.

    An import adds one segment per batch (and the triggers small ones per edit); FTS5 merges them only now and
    then, and every lookup reads each segment: 11 segments after a 1,000,000-row import made a scope word with a
    city and a status 2–4 times slower than one merged segment. ``'merge'`` with a negative page count merges all
    segments like ``'optimize'``, but in steps of :data:`FTS_MERGE_PAGES` pages, each its own transaction, so web
    writes get in between (about 8 s in all at 1,000,000 firms); a step that changes nothing ends it."""
    if connection.vendor != "sqlite":
        return
    table = Enterprise._meta.db_table
    for fts in (f"{table}_fts", f"{table}_name_fts"):
        for _step in range(10_000):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT total_changes()")
                before = cursor.fetchone()[0]
                cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('merge', %s)", [-FTS_MERGE_PAGES])
                cursor.execute("SELECT total_changes()")
                if cursor.fetchone()[0] - before < 2:  # the documented sign that there was nothing to merge
                    break


def merge_pending_index_entries(written: int | None = None) -> None:
    """After an import of ``written`` rows: PostgreSQL merges the GIN pending lists of the trigram indexes (see
    :data:`TRIGRAM_INDEXES`); SQLite the segments of its full-text tables (:func:`merge_full_text_segments`) when
    the import wrote at least ``SQLITE_DEFERRED_FTS_ROWS`` rows (the batched fill, one segment per batch; a small
    import adds one small segment, which FTS5's own automerge folds in, and merging would rewrite the whole
    index)."""
    if connection.vendor == "sqlite":
        if written is None or written >= SQLITE_DEFERRED_FTS_ROWS:
            merge_full_text_segments()
        return
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.relkind = 'i' AND c.relname = ANY(%s)",
                [list(TRIGRAM_INDEXES)],
            )
    except DatabaseError:  # an optimisation only: autovacuum merges the lists too
        log.warning("could not merge the pending lists of the registry's trigram indexes", exc_info=True)


def refresh_statistics() -> None:
    """Refresh the planner's statistics of the firm table (PostgreSQL and SQLite)."""
    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Enterprise._meta.db_table}")
