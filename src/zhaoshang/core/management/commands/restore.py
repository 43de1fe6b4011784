from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.backup import BackupError, restore
from zhaoshang.core.messages import error_message


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `zhaoshang backup` (stop the server first)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input(
                _(
                    "This replaces all the data of the current database with the backup. Are you sure? Type yes to go on: "
                )
            )
            if answer.strip().lower() != "yes":
                raise CommandError(_("Cancelled"))
        try:
            restore(options["source"])
        except (BackupError, OSError) as exc:
            raise CommandError(error_message(exc)) from None
        self.stderr.write(_("Restored"))
