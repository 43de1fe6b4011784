from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `zhaoshang backup` (stop the server first)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("这将用备份替换当前数据库中的全部数据，确定吗？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消")
        try:
            restore(options["source"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write("已恢复")
