"""The hourly reminder job at a city's scale: how long `run_reminders` takes, first run and re-run.

Builds a fresh SQLite database (or uses $DATABASE_URL) with ``--projects`` projects spread over 20 officers, one
open follow-up per project (a third due today, a third overdue), one coordination item per second project (half
overdue), a quarter of the projects going cold; then times:

- ``find``: the registered sources only (the queries and the texts; nothing written) — the baseline;
- ``first run``: sources + one notification per reminder (the day's inserts);
- ``re-run``: the same day again (every reminder de-duplicated: what each later hourly run costs).

    python bench/notifications_reminders.py --projects 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=20000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zs-bench-reminders-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("ZHAOSHANG_VAR_DIR", str(workdir))
    os.environ["ZHAOSHANG_TASK_QUEUE_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zhaoshang.accounts.roles import Role
    from zhaoshang.accounts.services import ensure_organisation, ensure_user
    from zhaoshang.notifications import services
    from zhaoshang.notifications.models import Notification
    from zhaoshang.notifications.registry import sources
    from zhaoshang.pipeline.models import CoordinationItem, FollowUp, Project, StageEvent
    from zhaoshang.registry.models import Enterprise

    today = timezone.localdate()
    city = ensure_organisation(None, code="b-city", name="基准市", kind="city", region_code="430200")
    park = ensure_organisation(
        None, code="b-park", name="基准园区", kind="park", parent=city, region_code="430211"
    )
    dept = ensure_organisation(None, code="b-dept", name="基准部门", kind="department", parent=city)
    officers = [
        ensure_user(
            None, username=f"b-officer-{i}", password="x" * 12, organisation=park, role=Role.PARK_ADMIN
        )
        for i in range(20)
    ]
    ensure_user(
        None, username="b-handler", password="x" * 12, organisation=dept, role=Role.DEPARTMENT_HANDLER
    )
    n = args.projects
    started = time.perf_counter()
    firms = Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"基准投资方{i}有限公司", name_key=f"基准投资方{i}", organisation=park)
            for i in range(n)
        ],
        batch_size=2000,
    )
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"基准项目{i}",
                organisation=park,
                owner=officers[i % 20],
                investor=firms[i],
                stage="contact",
                quiet_since=today - dt.timedelta(days=60 if i % 4 == 0 else 1),
                created_at=timezone.now(),
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    StageEvent.objects.bulk_create(
        [StageEvent(project=p, to_stage="lead", date=today, team=park) for p in projects], batch_size=2000
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                project=p,
                date=today - dt.timedelta(days=5),
                content="基准",
                next_action="回访",
                next_due=today - dt.timedelta(days=(0, 2, -3)[i % 3]),
                created_by=p.owner,
            )
            for i, p in enumerate(projects)
        ],
        batch_size=2000,
    )
    CoordinationItem.objects.bulk_create(
        [
            CoordinationItem(
                project=p,
                title="基准事项",
                organisation=park,
                department=dept,
                due=today + dt.timedelta(days=(-3, 1)[i % 2]),
                created_by=p.owner,
            )
            for i, p in enumerate(projects[::2])
        ],
        batch_size=2000,
    )
    print(
        f"data: {n:,} projects, {n // 2:,} items, 20 officers — built in {time.perf_counter() - started:.1f} s"
    )

    def timed(label, fn):
        t0 = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{label:<10} {seconds:8.2f} s   process peak RSS so far {peak:7.1f} MiB")
        return seconds, result

    find_s, found = timed("find", lambda: sum(len(list(src(today))) for src in sources().values()))
    first_s, made = timed("first run", lambda: services.run_reminders(today))
    again_s, again = timed("re-run", lambda: services.run_reminders(today))
    total = sum(made.values())
    print(
        f"reminders found: {found:,}; notifications written: {total:,} ({dict(made)}); re-run wrote {sum(again.values())}"
    )
    print(
        f"first run: {total / first_s:,.0f} notifications/s; ratio to find-only baseline: {first_s / find_s:.1f}×"
    )
    print(f"re-run (each later hourly run): {again_s:.2f} s; ratio to baseline: {again_s / find_s:.1f}×")
    assert Notification.objects.count() == total
    return 0


if __name__ == "__main__":
    sys.exit(main())
