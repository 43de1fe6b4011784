"""Backup and restore of the whole database, while the product runs.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot page by page while
others keep reading and writing; the copy is an ordinary SQLite file. PostgreSQL: ``pg_dump --format=custom``
(a consistent snapshot too), restored with ``pg_restore --clean --if-exists``. :func:`table_checksums` gives each
table's row count and a checksum of its rows, to compare a restored database with its origin.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from zhaoshang.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(DomainError):
    code = "backup_failed"


def _database() -> dict[str, Any]:
    return connection.settings_dict


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def backup(out: str | Path) -> Path:
    """Write a backup of the database to ``out`` (SQLite file, or pg_dump custom format); returns the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite():
        source = sqlite3.connect(str(_database()["NAME"]))
        try:
            target = sqlite3.connect(str(out))
            try:
                source.backup(target, pages=4096)
            finally:
                target.close()
        finally:
            source.close()
        return out
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(out), *_pg_args()], "pg_dump")
    return out


def restore(source: str | Path) -> None:
    """Replace the database's contents with the backup ``source`` (made by :func:`backup`)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("Backup file “%(file)s” not found") % {"file": source})
    with source.open("rb") as handle:
        head = handle.read(16)
    if _is_sqlite():
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(_("“%(name)s” is not a SQLite backup file") % {"name": source.name})
        connection.close()
        backup_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            target = sqlite3.connect(str(_database()["NAME"]))
            try:
                backup_conn.backup(target, pages=4096)
            finally:
                target.close()
        finally:
            backup_conn.close()
        return
    if not head.startswith(PG_MAGIC):
        raise BackupError(
            _("“%(name)s” is not a backup file in pg_dump's custom format") % {"name": source.name}
        )
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _pg_dbname(),
            str(source),
        ],
        "pg_restore",
    )


def _pg_args() -> list[str]:
    return ["--dbname", _pg_dbname()]


def _pg_dbname() -> str:
    db = _database()
    parts = [f"dbname={db['NAME']}"]
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if db.get(key):
            parts.append(f"{name}={db[key]}")
    return " ".join(parts)


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            _("%(tool)s not found; please install the PostgreSQL client (apt-get install postgresql-client)")
            % {"tool": tool}
        )
    env = {**os.environ}
    password = _database().get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - fixed tools
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": tool, "error": done.stderr.strip()[:500]}
        )


def table_checksums() -> dict[str, tuple[int, str]]:
    """Every table of the database: (row count, SHA-256 of its rows in primary-key order)."""
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if _is_sqlite() and (table.startswith("sqlite_") or "_fts" in table):
                continue  # SQLite's own tables and the full-text index's shadow tables (rebuilt from the firms)
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - names from the catalogue
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(row)).encode())
                count += 1
            result[table] = (count, digest.hexdigest())
    return result
