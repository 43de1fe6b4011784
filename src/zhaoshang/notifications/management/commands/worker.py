"""`zhaoshang worker`: the task queue's consumer (reminders, digests, deliveries with retries)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the task queue's worker: hourly reminders, daily digests, and the deliveries to e-mail and group bots "
        "(with retries). The queue is SQLite under ZHAOSHANG_VAR_DIR unless ZHAOSHANG_TASK_QUEUE names a Redis URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")

    def handle(self, *args, **options):
        from huey.contrib.djhuey import HUEY

        from zhaoshang.notifications.worker import describe

        self.stderr.write(f"zhaoshang worker: {describe(HUEY)} (Ctrl+C to stop)")
        consumer = HUEY.create_consumer(workers=options["workers"], worker_type="thread", periodic=True)
        consumer.run()
