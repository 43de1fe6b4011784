from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to OUT while it runs (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the backup file to write")

    def handle(self, *args, **options):
        try:
            path = backup(options["out"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(f"已备份到 {path}")
