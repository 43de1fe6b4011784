"""Registry-built complexity: firms per county × GB/T 4754 class from N firms, then the complexity measures.

    .venv/bin/python bench/insight_registry.py --firms 1000000 [--counties 2800] [--classes 1200]

A fresh SQLite database (its full-text insert trigger dropped for the setup) under a temporary ZHAOSHANG_VAR_DIR (or PostgreSQL: ``--postgres URL``, a database that is
dropped and created again), N seeded firms inserted in bulk (county and class drawn with a nested structure), then
timed: ``registry_matrix(by="class")`` (one GROUP BY in the database), ``complexity_table`` on it, and the whole
``compute_registry_complexity`` with the CSV written. Baseline in the same run: the same counts by loading
(region_code, industry_code) of every firm into pandas and ``groupby().size()``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

COLUMNS = (
    "uscc_raw",
    "reg_no",
    "name",
    "name_key",
    "short_name",
    "legal_rep",
    "currency",
    "capital_raw",
    "company_type",
    "status",
    "address",
    "region_code",
    "industry_code",
    "scope",
    "description",
    "website",
    "tags",
    "flags",
    "source",
    "created_at",
    "updated_at",
    "organisation_id",
)
INSERT = f"INSERT INTO registry_enterprise ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=2800)
    parser.add_argument("--classes", type=int, default=1200)
    parser.add_argument("--postgres", help="postgres://... (dropped and created again)")
    args = parser.parse_args(argv)

    var_dir = tempfile.mkdtemp(prefix="zs_insight_bench_")
    os.environ["ZHAOSHANG_VAR_DIR"] = var_dir
    if args.postgres:
        import psycopg

        base, _, name = args.postgres.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    import numpy as np
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection, transaction

    from zhaoshang.accounts.models import Organisation
    from zhaoshang.insight.complexity import complexity_table
    from zhaoshang.insight.services import compute_registry_complexity, registry_matrix
    from zhaoshang.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(code="bench", name="基准测试", kind="city", path="bench/")
    rng = np.random.default_rng(14)
    size_c = rng.lognormal(0, 1.3, args.counties)
    cap = rng.uniform(0, 1, args.counties)
    cx = rng.uniform(0, 1, args.classes)
    size_a = rng.lognormal(0, 1.0, args.classes)
    county_codes = [f"{110000 + i * 7:06d}" for i in range(args.counties)]
    class_codes = [f"{1000 + i * 7 % 8000:04d}" for i in range(args.classes)]
    if connection.vendor == "sqlite":
        # setup only: the full-text index of names is not what is measured, and its trigger makes inserting
        # a million firms take an hour; the bench database is thrown away
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS registry_enterprise_fts_ai")
    started = time.perf_counter()
    batch = 50_000
    made = 0
    p_c = size_c / size_c.sum()
    while made < args.firms:
        n = min(batch, args.firms - made)
        counties = rng.choice(args.counties, size=n, p=p_c)
        # class: weighted by size and by the county's capability for the class's complexity
        classes = np.empty(n, dtype=np.int64)
        for c in np.unique(counties):
            sel = np.flatnonzero(counties == c)
            w = size_a * np.exp(-4 * np.maximum(0, cx - cap[c]))
            classes[sel] = rng.choice(args.classes, size=len(sel), p=w / w.sum())
        now = "2026-01-01 00:00:00"
        rows = [
            (
                "",
                "",
                f"企业{made + i}",
                f"企业{made + i}",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                county_codes[c],
                class_codes[a],
                "",
                "",
                "",
                "[]",
                "[]",
                "bench",
                now,
                now,
                org.pk,
            )
            for i, (c, a) in enumerate(zip(counties, classes, strict=True))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(INSERT, rows)
        made += n
        print(f"\rinserted {made:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    insert = time.perf_counter() - started
    print(f"{connection.vendor}: {args.firms:,} firms inserted in {insert:.1f} s (setup, not measured)")

    started = time.perf_counter()
    matrix = registry_matrix(by="class", measure="firms")
    aggregate = time.perf_counter() - started
    result = complexity_table(matrix, location="county", activity="activity", value="value")
    print(
        f"registry_matrix(by=class): {aggregate:.2f} s → {len(matrix):,} (county, class) cells; "
        f"complexity_table: {result.seconds:.2f} s ({result.locations:,} counties × {result.activities:,} classes, "
        f"{result.rows:,} rows)"
    )
    out = os.path.join(var_dir, "registry_complexity.csv")
    started = time.perf_counter()
    run = compute_registry_complexity(by="class", output=out)
    total = time.perf_counter() - started
    print(
        f"compute_registry_complexity end to end (with the CSV): {total:.2f} s (write {run.write_seconds:.2f} s)"
    )

    started = time.perf_counter()
    rows = list(Enterprise.objects.values_list("region_code", "industry_code"))
    frame = pd.DataFrame(rows, columns=["county", "code"])
    frame["activity"] = frame["code"].str[:4]
    counts = frame.groupby(["county", "activity"]).size()
    baseline = time.perf_counter() - started
    assert len(counts) == len(matrix) and int(counts.sum()) == int(matrix["value"].sum())
    print(
        f"baseline (load every firm into pandas, groupby): {baseline:.2f} s; ratio {baseline / aggregate:.1f}×"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
