"""`zhaoshang calendar import FILE`: load holiday / make-up-day overrides; `calendar due DATE N`: check a date."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.calendar import get_calendar, import_overrides, unknown_years_warning
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, is_chinese


def add_import_arguments(parser) -> None:
    parser.add_argument(
        "file", help="CSV/XLSX with columns date,kind (or 日期,类型); kind holiday/休息 or workday/上班"
    )
    parser.add_argument("--dry-run", action="store_true", help="check the file and report, store nothing")
    parser.add_argument("--json", action="store_true", help="print only a JSON summary on standard output")


def run_import(command: BaseCommand, options: dict) -> None:
    """Shared by `zhaoshang calendar import` and `zhaoshang service calendar import`."""
    try:
        result = import_overrides(None, options["file"], dry_run=options["dry_run"])
    except (DomainError, OSError) as exc:
        raise CommandError(error_message(exc)) from None
    if options["json"]:
        command.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        for error in result.errors[:200]:
            command.stderr.write(error)
        if not result.errors:
            years = ("、" if is_chinese() else ", ").join(str(y) for y in result.years)
            counts = {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "years": years or _("none"),
            }
            if options["dry_run"]:
                line = _(
                    "(dry run, nothing saved) %(created)s new, %(updated)s updated, %(unchanged)s unchanged (years: %(years)s)"
                )
            else:
                line = _("%(created)s new, %(updated)s updated, %(unchanged)s unchanged (years: %(years)s)")
            command.stdout.write(line % counts)
    if result.errors:
        raise CommandError(
            _("Errors in the file: %(count)s; nothing was imported") % {"count": len(result.errors)}
        )
    today = date.today()
    warning = unknown_years_warning(today, date(today.year + 1, 12, 31))
    if warning:
        command.stderr.write(_("Note: %(warning)s") % {"warning": warning})


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("The date “%(text)s” should be written YYYY-MM-DD") % {"text": text}) from None


class Command(BaseCommand):
    help = "The working-day calendar (official holidays and 调休 make-up days, plus local overrides)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        add_import_arguments(sub.add_parser("import", help="load overrides from a CSV/XLSX file"))
        due = sub.add_parser(
            "add", help="print the date N working days after DATE (day 1 = next working day)"
        )
        due.add_argument("start")
        due.add_argument("days", type=int)

    def handle(self, *args, verb, **options):
        if verb == "import":
            run_import(self, options)
        elif verb == "add":
            start = parse_day(options["start"])
            calendar = get_calendar()
            self.stdout.write(calendar.add_working_days(start, options["days"]).isoformat())
            warning = unknown_years_warning(start, calendar.add_working_days(start, options["days"]))
            if warning:
                self.stderr.write(_("Note: %(warning)s") % {"warning": warning})
