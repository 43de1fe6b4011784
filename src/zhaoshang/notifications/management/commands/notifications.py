"""`zhaoshang notifications remind|digest|retry`: run the periodic jobs once (cron or by hand)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.notifications import services


class Command(BaseCommand):
    help = "Run the notification jobs once: remind (reminder sources → notifications), digest, retry."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        remind = sub.add_parser(
            "remind", help="create today's reminders (one per object, kind and person a day)"
        )
        remind.add_argument("--date", help="as of this day (YYYY-MM-DD), default today")
        remind.add_argument("--json", action="store_true")
        sub.add_parser("digest", help="queue the daily digests whose time has come")
        sub.add_parser("retry", help="queue the deliveries whose retry time has come")

    def handle(self, *args, **options):
        verb = options["verb"]
        if verb == "remind":
            try:
                day = dt.date.fromisoformat(options["date"]) if options.get("date") else None
            except ValueError:
                raise CommandError(f"--date: not a date: {options['date']}") from None
            made = services.run_reminders(day)
            if options["json"]:
                self.stdout.write(json.dumps({"created": dict(made), "total": sum(made.values())}))
            else:
                self.stdout.write(
                    f"{sum(made.values())} new notifications "
                    + ", ".join(f"{k}: {v}" for k, v in sorted(made.items()))
                )
        elif verb == "digest":
            self.stdout.write(f"{services.send_digests()} digests queued")
        else:
            self.stdout.write(f"{services.retry_due()} deliveries queued again")
