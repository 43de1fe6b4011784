"""Load benchmark of the investment pipeline: project list, project page and workbench under concurrent users,
and the meeting pack for a quarter.

    .venv/bin/python bench/pipeline_load.py [--db /tmp/zhaoshang-bench-pipeline.sqlite3] [--projects 20000]
        [--followups 200000] [--users 20] [--duration 30] [--think 1] [--port 8765] [--fresh] [--tool locust|threads]

1. Builds (or reuses) a separate SQLite database with the demo city's organisations, 20 working users, and
   ``--projects`` projects with ``--followups`` follow-ups, their stage events, coordination items and tasks
   (bulk inserts, seeded: same data every run).
2. Starts ``zhaoshang serve`` (waitress, ``--threads`` threads) on 127.0.0.1 against that database.
3. Runs ``--users`` concurrent users for ``--duration`` seconds with locust (headless, ``bench/pipeline_locustfile.py``;
   ``--tool threads`` uses plain urllib threads instead), one logged-in session each, pausing ``--think`` seconds on
   average between pages (0: none, a saturation test), each opening project list, project page and workbench, and prints requests, errors and
   p50/p95/p99 latency per page. A run fails (exit 1) when a page's p95 is over 150 ms or any request fails.
4. Times the meeting pack for the last full quarter: data assembly plus DOCX, and assembly plus PDF, each
   must be ≤ 5 s.

Small smoke run (a minute on 2 cores): ``--projects 2000 --followups 20000 --duration 15 --fresh``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
P95_LIMIT_MS = 150.0
PACK_LIMIT_S = 5.0
PAGES = ("project list", "project page", "workbench")


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


def build(args) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from zhaoshang.accounts.models import Organisation, User
    from zhaoshang.accounts.roles import Role
    from zhaoshang.demo import DemoContext, build_base
    from zhaoshang.pipeline.config import stage_model
    from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project, StageEvent, Task
    from zhaoshang.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    if Project.objects.count() != args.projects or FollowUp.objects.count() != args.followups:
        t0 = time.perf_counter()
        rng = random.Random(42)
        ctx = DemoContext()
        build_base(ctx)
        teams = [
            ctx.organisations[c] for c in ("zz-invest-1", "zz-invest-2", "zz-hitech", "zz-econ", "zz-liling")
        ]
        leader = ctx.users["leader"]
        workers = []
        for i in range(args.users):
            team = teams[i % len(teams)]
            role = Role.PARK_ADMIN if team.kind == "park" else Role.INVESTMENT_OFFICER
            user, _ = User.objects.get_or_create(
                username=f"bench{i:02d}",
                defaults={
                    "organisation": team,
                    "role": role,
                    "last_name": "压测",
                    "first_name": f"{i:02d}",
                    "leader": leader,
                },
            )
            workers.append(user)
        Task.objects.all().delete()
        CoordinationItem.objects.all().delete()
        FollowUp.objects.all().delete()
        StageEvent.objects.all().delete()
        Project.objects.all().delete()
        Enterprise.objects.filter(source="bench").delete()
        firms = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"压测投资方{i:05d}有限公司",
                    name_key=f"压测投资方{i:05d}",
                    organisation=teams[i % len(teams)],
                    source="bench",
                )
                for i in range(args.projects)
            ],
            batch_size=5000,
        )
        model = stage_model()
        main = [s.code for s in model.main_stages]
        depts = list(Organisation.objects.filter(kind="department"))
        projects, events, followups, items, tasks = [], [], [], [], []
        per_project = args.followups // args.projects
        for i, firm in enumerate(firms):
            owner = workers[i % len(workers)]
            created = today - dt.timedelta(days=rng.randint(20, 720))
            reached = rng.choices(range(len(main)), weights=[30, 20, 15, 12, 8, 6, 5, 4])[0]
            side = rng.random()
            stage = "on_hold" if side < 0.05 else "dropped" if side < 0.08 else main[reached]
            last = created + dt.timedelta(days=rng.randint(0, max(0, (today - created).days)))
            p = Project(
                name=f"压测项目{i:05d}",
                organisation=owner.organisation,
                owner=owner,
                investor=firm,
                stage=stage,
                source=rng.choice(Project.Source.values),
                planned_investment_wan=Decimal(rng.randint(500, 100000)),
                created_at=timezone.make_aware(dt.datetime.combine(created, dt.time(9))),
                stage_changed_on=last,
                first_contact_date=created if reached >= 1 else None,
                visit_date=created if reached >= 2 else None,
                signed_date=last if reached >= 4 else None,
                signed_amount_wan=Decimal(rng.randint(500, 90000)) if reached >= 4 else None,
                location="压测园区" if reached >= 4 else "",
                construction_start_date=last if reached >= 6 else None,
                production_start_date=last if reached >= 7 else None,
                hold_reason="压测" if stage == "on_hold" else "",
                drop_reason="压测" if stage == "dropped" else "",
                last_followup_on=last,
                quiet_since=last,
            )
            projects.append(p)
        Project.objects.bulk_create(projects, batch_size=2000)
        print(f"  projects written ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        projects = list(Project.objects.order_by("id"))
        for p in projects:
            created = p.created_at.date()
            span = max(1, (p.last_followup_on - created).days)
            stages = main[: main.index(p.stage) + 1] if p.stage in main else main[:2] + [p.stage]
            for n, code in enumerate(stages):
                events.append(
                    StageEvent(
                        project=p,
                        from_stage=stages[n - 1] if n else "",
                        to_stage=code,
                        date=created + dt.timedelta(days=span * n // max(1, len(stages))),
                        team_id=p.organisation_id,
                        by_id=p.owner_id,
                    )
                )
            for n in range(per_project):
                date = (
                    created + dt.timedelta(days=span * n // max(1, per_project - 1))
                    if per_project > 1
                    else p.last_followup_on
                )
                open_action = n == per_project - 1 and rng.random() < 0.3
                followups.append(
                    FollowUp(
                        project=p,
                        date=date,
                        way=rng.choice(FollowUp.Way.values),
                        content=f"压测跟进记录 {n}",
                        next_action="下一步" if open_action else "",
                        next_due=today + dt.timedelta(days=rng.randint(-10, 10)) if open_action else None,
                        done=not open_action,
                        created_by_id=p.owner_id,
                    )
                )
            if rng.random() < 0.1:
                items.append(
                    CoordinationItem(
                        project=p,
                        title="压测协调事项",
                        organisation_id=p.organisation_id,
                        department=rng.choice(depts),
                        due=today + dt.timedelta(days=rng.randint(-60, 60)),
                    )
                )
            if rng.random() < 0.05:
                tasks.append(
                    Task(
                        kind=Task.Kind.CALLBACK,
                        title="压测回访",
                        organisation_id=p.organisation_id,
                        assignee_id=p.owner_id,
                        project=p,
                        due=today + dt.timedelta(days=rng.randint(-5, 5)),
                    )
                )
        print(f"  rows prepared ({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
        StageEvent.objects.bulk_create(events, batch_size=5000)
        FollowUp.objects.bulk_create(followups, batch_size=5000)
        CoordinationItem.objects.bulk_create(items, batch_size=2000)
        Task.objects.bulk_create(tasks, batch_size=2000)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"built {len(projects):,} projects, {len(followups):,} follow-ups, {len(events):,} stage events, "
            f"{len(items):,} items, {len(tasks):,} tasks in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    users = list(User.objects.filter(username__startswith="bench").order_by("username"))[: args.users]
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        ids = list(Project.objects.filter(organisation=user.organisation).values_list("id", flat=True)[:500])
        sessions.append((user.username, store.session_key, ids))
    return {"sessions": sessions}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered))) - 1))]


def load_threads(args, sessions, base: str) -> dict[str, dict]:
    """The fallback load: one urllib thread per user."""
    pages = PAGES
    results: dict[str, list[float]] = {p: [] for p in pages}
    errors: dict[str, int] = {p: 0 for p in pages}
    lock = threading.Lock()
    stop = time.monotonic() + args.duration

    def client(username: str, session_key: str, ids: list[int], seed: int) -> None:
        rng = random.Random(seed)
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={session_key}"), ("Accept-Language", "zh-hans")]
        n = 0
        while time.monotonic() < stop:
            page = pages[n % 3]
            n += 1
            if page == "project list":
                url = f"{base}/pipeline/?page={rng.randint(1, 20)}"
            elif page == "project page":
                url = f"{base}/pipeline/{rng.choice(ids)}/"
            else:
                url = f"{base}/"
            t0 = time.perf_counter()
            ok = True
            try:
                with opener.open(url, timeout=30) as response:
                    response.read()
                    ok = response.status == 200 and response.geturl() == url
            except (urllib.error.URLError, OSError):
                ok = False
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                results[page].append(elapsed)
                if not ok:
                    errors[page] += 1
            if args.think:
                time.sleep(rng.uniform(0.5 * args.think, 1.5 * args.think))

    threads = [threading.Thread(target=client, args=(*s, i)) for i, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        page: {
            "requests": len(results[page]),
            "errors": errors[page],
            "p50": percentile(results[page], 50),
            "p95": percentile(results[page], 95),
            "p99": percentile(results[page], 99),
        }
        for page in pages
    }


def load_locust(args, sessions, base: str) -> dict[str, dict]:
    """Headless locust against the server; the per-page figures come from its stats CSV."""
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
        sessions_file = Path(tmp) / "sessions.json"
        sessions_file.write_text(
            json.dumps([{"user": u, "key": k, "ids": ids} for u, k, ids in sessions]), encoding="utf-8"
        )
        env = {
            **os.environ,
            "PIPELINE_BENCH_SESSIONS": str(sessions_file),
            "PIPELINE_BENCH_THINK": str(args.think),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "pipeline_locustfile.py"),
            "--headless",
            "--users",
            str(len(sessions)),
            "--spawn-rate",
            str(len(sessions)),
            "--run-time",
            f"{args.duration}s",
            "--host",
            base,
            "--csv",
            str(Path(tmp) / "run"),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "10",
        ]
        run = subprocess.run(
            command, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        stats_file = Path(tmp) / "run_stats.csv"
        if not stats_file.exists():
            sys.stderr.write(run.stderr)
            raise SystemExit("locust wrote no statistics (see above)")
        with stats_file.open(encoding="utf-8") as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    out = {}
    for page in PAGES:
        row = rows.get(page)
        if row is None:
            out[page] = {
                "requests": 0,
                "errors": 1,
                "p50": float("nan"),
                "p95": float("nan"),
                "p99": float("nan"),
            }
            continue
        out[page] = {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
    return out


def report(args, stats: dict[str, dict], tool: str) -> bool:
    passed = True
    print(f"\n{args.users} concurrent users ({tool}), {args.duration} s, think time {args.think} s")
    print(f"{'page':<14}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for page in PAGES:
        s = stats[page]
        print(
            f"{page:<14}{s['requests']:>9}{s['errors']:>8}{s['p50']:>9.1f}{s['p95']:>9.1f}{s['p99']:>9.1f}{s['requests'] / args.duration:>8.1f}"
        )
        passed &= s["requests"] > 0 and s["errors"] == 0 and s["p95"] <= P95_LIMIT_MS
    return passed


def meeting_pack_time() -> bool:
    import tempfile

    from django.utils import timezone

    from zhaoshang.pipeline.services import meeting_pack, render_meeting_pack

    today = timezone.localdate()
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = dt.date(today.year, first_month, 1) - dt.timedelta(days=1)
    start = dt.date(end.year, end.month - 2, 1)
    t0 = time.perf_counter()
    pack = meeting_pack(None, start, end)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        render_meeting_pack(pack, Path(tmp) / "pack.docx")
        t2 = time.perf_counter()
        render_meeting_pack(pack, Path(tmp) / "pack.pdf")
        t3 = time.perf_counter()
    print(
        f"\nmeeting pack {start}–{end}: {pack.new_leads.totals['count']} new leads, {pack.stage_movements.totals['count']} movements, "
        f"{pack.cold.totals['count']} cold, {pack.overdue_by_department.totals['count']} overdue items"
    )
    docx, pdf = (t1 - t0) + (t2 - t1), (t1 - t0) + (t3 - t2)
    print(
        f"  assemble {t1 - t0:.2f} s · DOCX {t2 - t1:.2f} s · PDF {t3 - t2:.2f} s → "
        f"pack as DOCX {docx:.2f} s, as PDF {pdf:.2f} s (limit {PACK_LIMIT_S:.0f} s each)"
    )
    return docx <= PACK_LIMIT_S and pdf <= PACK_LIMIT_S


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, default=Path("/tmp/zhaoshang-bench-pipeline.sqlite3"))
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--followups", type=int, default=200000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user pauses between pages (0: no pause, a saturation test)",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fresh", action="store_true", help="delete the database first")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--tool",
        choices=("locust", "threads"),
        default="locust" if importlib.util.find_spec("locust") else "threads",
        help="load generator (default: locust when installed, pip install -e '.[bench]')",
    )
    args = parser.parse_args()
    if args.fresh and args.db.exists():
        args.db.unlink()
    setup_django(args.db)
    data = build(args)
    passed = True
    if not args.skip_load:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{args.db}",
            "ZHAOSHANG_DEBUG": "false",
            "ZHAOSHANG_LOG_LEVEL": "ERROR",
        }
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/zhaoshang"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(args.port),
                "--threads",
                str(args.threads),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{args.port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            # warm up: one request per page per user
            for _username, key, ids in data["sessions"]:
                opener = urllib.request.build_opener()
                opener.addheaders = [("Cookie", f"sessionid={key}")]
                for path in ("/pipeline/", f"/pipeline/{ids[0]}/", "/"):
                    opener.open(base + path, timeout=30).read()
            loader = load_locust if args.tool == "locust" else load_threads
            passed = report(args, loader(args, data["sessions"], base), args.tool)
        finally:
            server.terminate()
            server.wait(timeout=10)
    pack_ok = meeting_pack_time()
    passed &= pack_ok
    print("\nPASS" if passed else "\nFAIL: a page's p95 over 150 ms, errors, or the meeting pack over 5 s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
