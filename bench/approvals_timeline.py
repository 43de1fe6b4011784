"""Benchmark: the approval pages with 2,000 cases (30,000 items): the city-wide figures page (every case's timeline
on the working-day calendar), the case list and one case's Gantt page, served in-process by Django's test client.

    .venv/bin/python bench/approvals_timeline.py [--cases 2000] [--db PATH] [--repeat 5]

Builds (or reuses) a separate SQLite database (default: a file in the system temp directory) with the demo
city's organisations and users, ``--cases`` signed projects, each with a case from the default industrial
template and seeded progress (bulk inserts). Prints the median and worst time per page over ``--repeat`` runs,
and the baseline: the same timelines computed by the plain-Python core alone (no database, no template).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()


def build(n_cases: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from zhaoshang.approvals.core.templates import DEFAULT_INDUSTRIAL, topological_order
    from zhaoshang.approvals.models import ApprovalCase, ApprovalItem
    from zhaoshang.approvals.services import calendar
    from zhaoshang.demo import DemoContext, build_base
    from zhaoshang.pipeline.models import Project
    from zhaoshang.registry.models import Enterprise

    call_command("migrate", verbosity=0)
    if ApprovalCase.objects.count() == n_cases:
        return
    t0 = time.perf_counter()
    ctx = DemoContext()
    build_base(ctx)
    rng = random.Random(13)
    today = timezone.localdate()
    cal = calendar()
    teams = [
        ctx.organisations[c] for c in ("zz-invest-1", "zz-invest-2", "zz-hitech", "zz-econ", "zz-liling")
    ]
    service = ctx.organisations["zz-service"]
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"基准企业{i}有限公司", name_key=f"基准企业{i}", organisation=teams[i % 5])
            for i in range(n_cases)
        ]
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"基准项目{i}",
                organisation=teams[i % 5],
                investor=f,
                stage="signed",
                signed_date=today - dt.timedelta(days=rng.randint(5, 400)),
            )
            for i, f in enumerate(firms)
        ]
    )
    cases = ApprovalCase.objects.bulk_create(
        [
            ApprovalCase(
                project=p,
                organisation=p.organisation,
                service_organisation=service,
                start=p.signed_date,
                template_name=DEFAULT_INDUSTRIAL.name,
            )
            for p in projects
        ]
    )
    order = topological_order({i.code: i.prerequisites for i in DEFAULT_INDUSTRIAL.items})
    by_code = {i.code: i for i in DEFAULT_INDUSTRIAL.items}
    items = []
    for case in cases:
        done: dict[str, dt.date] = {}
        speed = rng.choice([0.3, 0.7, 1.0, 1.6])
        for n, code in enumerate(order):
            t = by_code[code]
            fields = {}
            if all(p in done for p in t.prerequisites):
                start = max([case.start, *(done[p] for p in t.prerequisites)])
                finish = cal.add_working_days(start, max(1, round(t.limit_days * speed)))
                if finish <= today:
                    fields = {
                        "state": "done",
                        "started_on": start,
                        "done_on": finish,
                        "trips": rng.randint(0, 3),
                        "stamps": rng.randint(1, 6),
                    }
                    done[code] = finish
                elif start <= today:
                    fields = {"state": "in_progress", "started_on": start, "trips": rng.randint(0, 2)}
            items.append(
                ApprovalItem(
                    case=case,
                    code=code,
                    name=t.name,
                    order=n,
                    department_name=t.department,
                    limit_days=t.limit_days,
                    prerequisites=list(t.prerequisites),
                    baseline_trips=t.baseline_trips,
                    baseline_stamps=t.baseline_stamps,
                    milestone=t.milestone,
                    **fields,
                )
            )
    ApprovalItem.objects.bulk_create(items, batch_size=5000)
    print(f"built {len(cases):,} cases, {len(items):,} items in {time.perf_counter() - t0:.1f} s")


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "zhaoshang-bench-approvals.sqlite3"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django(args.db)
    build(args.cases)

    from django.test import Client
    from django.utils import timezone

    from zhaoshang.accounts.models import User
    from zhaoshang.approvals import services
    from zhaoshang.approvals.core.timeline import build_timeline
    from zhaoshang.approvals.models import ApprovalCase

    leader = User.objects.get(username="leader")
    client = Client(SERVER_NAME="localhost")
    client.force_login(leader, backend="django.contrib.auth.backends.ModelBackend")
    case = ApprovalCase.objects.order_by("id").first()

    def get(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    print(f"cases: {ApprovalCase.objects.count():,}")
    for name, url in (
        ("figures page (all cases)", "/approvals/figures/"),
        ("case list", "/approvals/"),
        ("case Gantt page", f"/approvals/{case.pk}/"),
    ):
        median, worst = timed(get(url), args.repeat)
        print(f"{name}: median {median * 1000:,.0f} ms, worst {worst * 1000:,.0f} ms")
    cal = services.calendar()
    today = timezone.localdate()
    cases = list(ApprovalCase.objects.all())
    loaded = {c.pk: services.case_items(c) for c in cases[:200]}

    def core_only():
        for c in cases[:200]:
            build_timeline(loaded[c.pk], c.start, today, cal)

    median, _ = timed(core_only, args.repeat)
    print(
        f"baseline, core timelines alone: {median / 200 * len(cases) * 1000:,.0f} ms for {len(cases):,} cases (200 timed, scaled)"
    )


if __name__ == "__main__":
    main()
