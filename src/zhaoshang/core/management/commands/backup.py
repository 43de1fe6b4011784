from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.backup import BackupError, backup
from zhaoshang.core.messages import error_message


class Command(BaseCommand):
    help = "Back up the whole database to OUT while it runs (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the backup file to write")

    def handle(self, *args, **options):
        try:
            path = backup(options["out"])
        except (BackupError, OSError) as exc:
            raise CommandError(error_message(exc)) from None
        self.stderr.write(_("Backed up to %(path)s") % {"path": path})
