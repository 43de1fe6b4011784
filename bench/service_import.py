"""The 12345 import at 100,000 rows on SQLite (issue #12: ≤ 60 s), and the dashboard's rates at 1,000,000 appeals.

    python bench/service_import.py [--rows 100000] [--csv]          # the import, then a re-import (all unchanged)
    python bench/service_import.py --dashboard 1000000               # the rates (city, by department/category/channel,
                                                                     # by month for the charts)

Each run uses a fresh SQLite database in a temporary folder (``ZHAOSHANG_VAR_DIR``). The import is measured end to
end (read, parse, firms, departments, due dates, bulk writes, audit), against a baseline in the same process: the
file read alone by the shared readers (``zhaoshang.tabular.open_table``), the floor under any importer.
The dashboard is measured as the page computes it (one aggregate for the city + one grouped query per dimension),
against the baseline of ``SELECT COUNT(*)`` over the same period.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "工单编号",
    "受理时间",
    "企业名称",
    "统一社会信用代码",
    "诉求类型",
    "诉求内容",
    "承办单位",
    "响应时间",
    "办结时间",
    "是否解决",
    "满意度",
    "办理时限",
    "联系电话",
]
CATEGORIES = ["用地", "用工", "融资", "审批", "政策兑现", "水电气", "物流交通", "配套", "治安", "其他"]
DEPARTMENTS = [f"株洲市第{i}局" for i in range(1, 41)]


def generate(path: Path, rows: int, seed: int = 12) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from service_texts import appeal_texts

    rng = random.Random(seed)
    texts = appeal_texts(rows, seed=seed)
    start = datetime(2025, 1, 1, 8)
    firms = [f"株洲示例{i:05d}科技有限公司" for i in range(rows // 5 + 1)]
    import xlsxwriter

    if path.suffix == ".csv":
        import csv

        out = path.open("w", encoding="utf-8", newline="")
        writer = csv.writer(out)
        write_row = writer.writerow
    else:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet()
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        counter = iter(range(10**9))

        def write_row(values):
            r = next(counter)
            for c, v in enumerate(values):
                if isinstance(v, datetime):
                    sheet.write_datetime(r, c, v, when)
                elif v is not None:
                    sheet.write(r, c, v)

    write_row(HEADER)
    for n in range(rows):
        received = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        responded = received + timedelta(hours=rng.choice([1, 4, 20, 30, 60]))
        closed = received + timedelta(days=rng.choice([1, 3, 5, 8, 15]))
        open_ = rng.random() < 0.1
        values = [
            f"GD{2025000000 + n}",
            received if path.suffix != ".csv" else received.strftime("%Y-%m-%d %H:%M:%S"),
            rng.choice(firms),
            "",
            rng.choice(CATEGORIES),
            texts[n],
            rng.choice(DEPARTMENTS),
            responded if path.suffix != ".csv" else responded.strftime("%Y/%m/%d %H:%M"),
            None if open_ else (closed if path.suffix != ".csv" else closed.strftime("%Y-%m-%d %H:%M")),
            None if open_ else rng.choice(["是", "是", "是", "否", "部分解决"]),
            None if open_ else rng.choice(["满意", "满意", "基本满意", "不满意", "未评价"]),
            rng.choice([None, None, 5, "10个工作日", "15"]),
            f"139{rng.randrange(10**8):08d}",
        ]
        write_row(values)
    if path.suffix == ".csv":
        out.close()
    else:
        book.close()


def zhaoshang(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "zhaoshang"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def bench_import(rows: int, csv: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("export.csv" if csv else "export.xlsx")
        t0 = time.perf_counter()
        generate(path, rows)
        print(
            f"generated {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB {path.suffix}) in {time.perf_counter() - t0:.1f} s"
        )
        env = {**os.environ, "ZHAOSHANG_VAR_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        zhaoshang(env, "migrate", "-v0")
        sys.path.insert(0, str(ROOT / "src"))
        from zhaoshang.tabular import open_table

        t0 = time.perf_counter()
        table = open_table(path)
        n = sum(1 for _ in table.rows)
        floor = time.perf_counter() - t0
        for label in ("import", "re-import"):
            t0 = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = zhaoshang(env, "service", "import", str(path), "--json")
            elapsed = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            result = json.loads(done.stdout)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"{label}: {result['read']:,} rows in {elapsed:.1f} s = {result['read'] / elapsed:,.0f} rows/s "
                f"(created {result['created']:,}, updated {result['updated']:,}, unchanged {result['unchanged']:,}, "
                f"rejected {result['rejected']:,}); CPU {cpu:.1f} s (wall time above includes waiting for a shared CPU); "
                f"peak RSS of the command {peak:,.0f} MB"
            )
            if label == "import":
                first = elapsed
        print(
            f"baseline: reading the {n:,} rows alone takes {floor:.1f} s ({first / floor:.1f}× less than the import)"
        )
        print(
            f"target ≤ 60 s for 100,000 rows on SQLite: {'met' if first * 100_000 / rows <= 60 else 'NOT met'}"
        )


def bench_dashboard(appeals: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ZHAOSHANG_VAR_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
        os.environ.update(env)
        zhaoshang(env, "migrate", "-v0")
        sys.path.insert(0, str(ROOT / "src"))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
        import django

        django.setup()
        from datetime import date

        from django.db import connection
        from django.utils import timezone

        from zhaoshang.accounts.models import Organisation
        from zhaoshang.service import services as s
        from zhaoshang.service.models import Appeal, Category

        s.ensure_categories(None)
        city = s.city_root()
        depts = [
            Organisation.objects.create(code=f"d{i}", name=f"第{i}局", kind="department", parent=city)
            for i in range(40)
        ]
        cats = list(Category.objects.all())
        centre = s.default_receiver()
        t0 = time.perf_counter()
        # generated inside SQLite (a recursive CTE): loading 1,000,000 rows through Python would take longer than
        # everything measured here
        dept0, cat0 = min(d.pk for d in depts), min(c.pk for c in cats)
        now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO service_appeal (ticket, tracking_code, channel, firm_name, firm_uscc, contact, phone,
                  category_text, urgent, title, content, receiving_org_id, department_id, department_text, category_id,
                  status, received_at, received_date, response_days, handling_days, response_due, handling_due,
                  first_response_at, responded_in_time, reply, closed_at, closed_on_time, days_to_close, result,
                  result_note, satisfaction, reopen_count, flags, personal_data_erased, is_demo, created_at, updated_at)
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {appeals - 1})
                SELECT 'B' || i, 'T' || i,
                  CASE abs(random()) % 5 WHEN 0 THEN 'public' WHEN 1 THEN 'cadre' WHEN 2 THEN 'phone' WHEN 3 THEN 'visit'
                    ELSE 'hotline' END,
                  '示例', '', '', '', '', 0, '', '', {centre.pk}, {dept0} + abs(random()) % 40, '', {cat0} + abs(random()) % 10,
                  CASE WHEN c THEN 'closed' ELSE 'accepted' END, d || ' 01:00:00', d, 1, 5, d, d, d || ' 01:00:00',
                  abs(random()) % 10 < 9, '', CASE WHEN c THEN d || ' 01:00:00' END, c AND abs(random()) % 10 < 8,
                  CASE WHEN c THEN abs(random()) % 20 END,
                  CASE WHEN NOT c THEN '' WHEN abs(random()) % 4 < 2 THEN 'solved' WHEN abs(random()) % 2 THEN 'partly'
                    ELSE 'unsolved' END,
                  '', CASE abs(random()) % 5 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'basic' WHEN 2 THEN 'unsatisfied'
                    WHEN 3 THEN 'unrated' ELSE '' END,
                  abs(random()) % 33 = 0, '[]', 0, 0, '{now}', '{now}'
                FROM (SELECT i, date('2025-01-01', '+' || (abs(random()) % 730) || ' days') AS d,
                             abs(random()) % 10 < 9 AS c FROM n)
                """
            )
        if not connection.get_autocommit():
            connection.commit()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"loaded {appeals:,} appeals in {time.perf_counter() - t0:.0f} s")
        period = (date(2025, 1, 1), date(2025, 12, 31))
        times, base, cpu, chart_cpu = [], [], [], []
        for _ in range(5):
            t0, c0 = time.perf_counter(), time.process_time()
            qs = s.appeals_in_period(*period)
            data = s.dashboard(qs)
            overall = data["overall"]
            s.chart_data(data)  # the category and department charts: from the same scan
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            c1 = time.process_time()
            s.month_chart_data(s.monthly_rates(qs))  # the monthly chart: its own request (rates/months.json)
            chart_cpu.append(time.process_time() - c1)
            t0 = time.perf_counter()
            Appeal.objects.filter(received_date__gte=period[0], received_date__lte=period[1]).count()
            base.append(time.perf_counter() - t0)
        times.sort()
        base.sort()
        cpu.sort()
        chart_cpu.sort()
        print(
            f"dashboard over {overall['received']:,} appeals received in 2025 (of {appeals:,}): median {times[2] * 1000:.0f} ms, "
            f"best {times[0] * 1000:.0f} ms; baseline COUNT(*) of the period median {base[2] * 1000:.0f} ms "
            f"({times[2] / base[2]:.1f}×); CPU median {cpu[2] * 1000:.0f} ms (wall includes waiting for a shared CPU); "
            f"the monthly chart's own request (rates/months.json) CPU median {chart_cpu[2] * 1000:.0f} ms"
        )
        print(
            f"target ≤ 1 s: {'met' if times[2] <= 1 else 'NOT met'} (wall), {'met' if cpu[2] <= 1 else 'NOT met'} (CPU)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv", action="store_true")
    parser.add_argument("--dashboard", type=int, default=0, metavar="APPEALS")
    args = parser.parse_args()
    if args.dashboard:
        bench_dashboard(args.dashboard)
    else:
        bench_import(args.rows, args.csv)


if __name__ == "__main__":
    main()
