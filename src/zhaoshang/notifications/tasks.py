"""The queue's tasks (Huey). `zhaoshang worker` runs them; `zhaoshang demo` runs a consumer beside the server.

- every hour: the reminder sources (due and overdue follow-ups, callbacks, coordination items, projects going
  cold, new local registrations, and whatever other apps register) → notifications, de-duplicated per day;
- every five minutes: daily digests whose time has come, and deliveries whose retry time has come;
- on demand: one delivery (queued after the transaction that created it commits).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def deliver(delivery_id: int) -> None:
    from zhaoshang.notifications import services

    services.deliver(delivery_id)


@db_periodic_task(crontab(minute="0"))
def hourly_reminders() -> None:
    from zhaoshang.notifications import services

    services.run_reminders()


@db_periodic_task(crontab(minute="*/5"))
def digests_and_retries() -> None:
    from zhaoshang.notifications import services

    services.send_digests()
    services.retry_due()
