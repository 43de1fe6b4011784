"""CPU per request of the workbench, the project list and a project page, in process (no server, no load).

Run on the database that ``bench/pipeline_load.py`` builds; to compare two versions of the code in the same
minutes (when the machine's speed drifts), run the other checkout with ``PYTHONPATH=<checkout>/src`` from the
same virtual environment, alternating::

    python bench/pipeline_pages_cpu.py --db /tmp/zhaoshang-bench-pipeline.sqlite3
    PYTHONPATH=/path/to/old/src python bench/pipeline_pages_cpu.py --db /tmp/bench-old.sqlite3

Prints the median CPU milliseconds of ``--requests`` requests per page, averaged over three bench users.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections import defaultdict


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="/tmp/zhaoshang-bench-pipeline.sqlite3")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    os.environ["ZHAOSHANG_DEBUG"] = "false"
    warnings.simplefilter("ignore")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from zhaoshang.pipeline.models import Project

    settings.ALLOWED_HOSTS = ["*"]
    per_page: dict[str, list[float]] = defaultdict(list)
    for username in ("bench00", "bench07", "bench13"):
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        project = Project.objects.filter(owner=user).values_list("pk", flat=True).first()
        for label, path in (("workbench", "/"), ("list", "/pipeline/"), ("page", f"/pipeline/{project}/")):
            for _ in range(3):
                client.get(path)
            times = []
            for _ in range(args.requests):
                started = time.process_time()
                client.get(path)
                times.append((time.process_time() - started) * 1000)
            per_page[label].append(statistics.median(times))
    print("  ".join(f"{label} {statistics.mean(values):.1f} ms CPU" for label, values in per_page.items()))


if __name__ == "__main__":
    main()
