"""What SQLite alone costs for a registry import: the floor under `registry_import.py`'s figures.

Reads the generated CSV once into memory, turns every row into the tuple the importer writes (no validation:
the cells go in as they are, with fixed values for the fields the CSV does not carry), then times, on fresh
copies of the migrated schema:

- ``table``: INSERT of the rows with the table's B-tree indexes, no full-text index (its trigger dropped);
- ``table, indexes after``: the same with the secondary indexes dropped first and built again after the load;
- ``full-text``: filling the trigram FTS5 index from the loaded table in one INSERT … SELECT (as a big import does);
- ``parse only``: Python's csv module reading the file (the least any import must do).

Baseline in the same run: none beyond the parts themselves; the point is the sum, which no importer on this
machine can beat: if ``table + full-text`` is below issue #3's 50,000 rows/s, so is every import with its
search index.

    python bench/registry_floor.py --csv /tmp/rb/r200k.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def migrated_schema(workdir: Path) -> Path:
    """A migrated, empty SQLite database of the project (built once, copied for each measurement)."""
    db = workdir / "schema.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}")
    subprocess.run([sys.executable, "-m", "zhaoshang", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    return db


def load_rows(csv_path: Path) -> tuple[list[tuple], float]:
    started = time.perf_counter()
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        cells = list(reader)
    parse_seconds = time.perf_counter() - started
    now = "2026-11-23 00:00:00"
    rows = []
    for i, c in enumerate(cells):
        code, name, rep, founded, capital, status, kind, address, scope = (c + [""] * 9)[:9]
        rows.append(
            (
                code if len(code) == 18 else None,
                code,
                "",
                name,
                f"{name}#{i}",
                "",
                rep,
                founded or None,
                100.0,
                "CNY",
                capital,
                kind,
                status,
                address,
                code[2:8] if len(code) >= 8 else "",
                "",
                scope,
                "",
                None,
                None,
                None,
                "",
                "[]",
                None,
                "[]",
                "bench",
                now,
                now,
                None,
                1,
                None,
            )
        )
    # a code the file repeats would break the UNIQUE index: the floor measures distinct rows
    seen: set[str] = set()
    distinct = []
    for row in rows:
        if row[0] is not None:
            if row[0] in seen:
                row = (None, *row[1:])
            seen.add(row[0])
        distinct.append(row)
    return distinct, parse_seconds


COLUMNS = (
    "uscc, uscc_raw, reg_no, name, name_key, short_name, legal_rep, founded, capital_wan, currency, capital_raw, "
    "company_type, status, address, region_code, industry_code, scope, description, employees, revenue_wan, "
    "tax_wan, website, tags, listed, flags, source, created_at, updated_at, merged_into_id, organisation_id, "
    "import_batch_id"
)


def fresh(schema: Path, workdir: Path, name: str) -> sqlite3.Connection:
    target = workdir / name
    shutil.copy(schema, target)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA cache_size=-262144")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("DROP TRIGGER IF EXISTS registry_enterprise_fts_ai")
    return db


def insert(db: sqlite3.Connection, rows: list[tuple]) -> float:
    sql = f"INSERT INTO registry_enterprise ({COLUMNS}) VALUES ({', '.join('?' * len(rows[0]))})"
    started = time.perf_counter()
    db.execute("BEGIN")
    for start in range(0, len(rows), 2000):
        db.executemany(sql, rows[start : start + 2000])
    db.execute("COMMIT")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, required=True, help="a file written by registry_generate.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhaoshang-floor-") as tmp:
        workdir = Path(tmp)
        schema = migrated_schema(workdir)
        rows, parse_seconds = load_rows(args.csv)
        n = len(rows)
        figures: list[tuple[str, float]] = [("parse only (csv module)", parse_seconds)]

        db = fresh(schema, workdir, "a.sqlite3")
        figures.append(("table with its indexes", insert(db, rows)))
        started = time.perf_counter()
        from importlib import import_module  # the indexed text as migration 0007 computes it

        body = import_module("zhaoshang.registry.migrations.0007_i8registry_search_facets").body_sql(
            "registry_enterprise"
        )
        db.execute(
            f"INSERT INTO registry_enterprise_fts(rowid, body) SELECT id, {body} FROM registry_enterprise"
        )
        figures.append(("full-text index, one INSERT … SELECT", time.perf_counter() - started))
        db.close()

        db = fresh(schema, workdir, "b.sqlite3")
        indexes = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='registry_enterprise' "
            "AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            db.execute(f'DROP INDEX "{name}"')
        seconds = insert(db, rows)
        started = time.perf_counter()
        for _name, sql in indexes:
            db.execute(sql)
        figures.append(
            (f"table, {len(indexes)} indexes built after", seconds + time.perf_counter() - started)
        )
        db.close()

    print(f"{n:,} rows from {args.csv}")
    for label, seconds in figures:
        print(f"  {label:<42} {seconds:7.2f} s  {n / seconds:>10,.0f} rows/s")
    floor = figures[1][1] + figures[2][1]
    best = min(figures[1][1], figures[3][1]) + figures[2][1]
    print(f"  {'floor: table + full-text':<42} {floor:7.2f} s  {n / floor:>10,.0f} rows/s")
    print(f"  {'floor with indexes built after':<42} {best:7.2f} s  {n / best:>10,.0f} rows/s")
    print(
        f"  (+ parsing)                                {best + parse_seconds:7.2f} s  {n / (best + parse_seconds):>10,.0f} rows/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
