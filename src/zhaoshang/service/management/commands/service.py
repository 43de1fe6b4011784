"""`zhaoshang service …` — the enterprise service desk on the command line.

    zhaoshang service import FILE [--dry-run] [--json] [--errors OUT.xlsx] [--org CODE] [--user NAME]
    zhaoshang service due RECEIVED_DATE N            prints the due date (ISO)
    zhaoshang service rates --from DATE --to DATE [--org CODE] [--json]
    zhaoshang service clusters --from DATE --to DATE [--json]
    zhaoshang service calendar import FILE           the same command as `zhaoshang calendar import FILE`
    zhaoshang service escalations [--date DATE] [--record] [--json]
    zhaoshang service directory FILE [--dry-run] [--json]   departments and users (XLSX/CSV)
    zhaoshang service erase [--days N]                erase personal data of appeals closed N days ago
    zhaoshang service plan-visits [--date DATE] [--json]  plan the standing visits (规上 quarterly, landed firms)

With ``--json`` standard output carries one JSON object and nothing else; progress goes to standard error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.accounts.cli import date_option, organisation_option, user_option
from zhaoshang.core.errors import DomainError
from zhaoshang.core.management.commands.calendar import add_import_arguments, run_import
from zhaoshang.core.messages import error_message, issue_message


def _dry_run_note() -> str:  # a function: said in the language active when printed
    return _(" (dry run, nothing written)")


class Command(BaseCommand):
    help = (
        "Enterprise service desk: 12345 import, due dates, rates, recurring problems, calendar, escalations."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Import a 12345 export (XLSX/CSV), idempotent by 工单编号.")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        imp.add_argument("--json", action="store_true", help="print only one JSON object")
        imp.add_argument("--errors", metavar="OUT.xlsx", help="write the row-numbered issues as XLSX")
        imp.add_argument("--org", help="code of the receiving organisation (default: the service centre)")
        imp.add_argument("--user", help="username recorded as the actor")

        due = sub.add_parser(
            "due", help="The due date of an appeal received on a date with a limit of N working days."
        )
        due.add_argument("received")
        due.add_argument("days", type=int)

        rates = sub.add_parser(
            "rates", help="响应率, 解决率, 满意率, 按时办结率 over the appeals received in a period."
        )
        rates.add_argument("--from", dest="start", required=True)
        rates.add_argument("--to", dest="end", required=True)
        rates.add_argument("--org", help="organisation code: appeals handled by it and its children")
        rates.add_argument("--json", action="store_true")

        clusters = sub.add_parser(
            "clusters", help="Recurring problems (共性问题) among the appeals received in a period."
        )
        clusters.add_argument("--from", dest="start", required=True)
        clusters.add_argument("--to", dest="end", required=True)
        clusters.add_argument("--json", action="store_true")

        cal = sub.add_parser(
            "calendar", help="The working-day calendar (same as `zhaoshang calendar import`)."
        )
        cal_sub = cal.add_subparsers(dest="calendar_verb", required=True)
        add_import_arguments(
            cal_sub.add_parser("import", help="load holiday / make-up-day overrides (CSV/XLSX)")
        )

        esc = sub.add_parser(
            "escalations", help="Escalation steps due today (due soon, overdue, overdue again)."
        )
        esc.add_argument("--date")
        esc.add_argument("--record", action="store_true", help="record them so they are not repeated")
        esc.add_argument("--json", action="store_true")

        directory = sub.add_parser(
            "directory", help="Import departments and users from a directory file (XLSX/CSV)."
        )
        directory.add_argument("file")
        directory.add_argument("--dry-run", action="store_true")
        directory.add_argument("--json", action="store_true")

        plan = sub.add_parser(
            "plan-visits",
            help="Plan the standing visits: every 规上 firm each quarter, every newly landed project in its "
            "first month (idempotent; the hourly job does the same).",
        )
        plan.add_argument("--date", help="plan as on this day (default: today)")
        plan.add_argument("--json", action="store_true")

        erase = sub.add_parser(
            "erase", help="Erase phone and contact of appeals closed more than N days ago."
        )
        erase.add_argument(
            "--days", type=int, help="retention in days (default: ZHAOSHANG_SERVICE_RETENTION_DAYS, 730)"
        )

    def handle(self, *args, **options):
        try:
            return getattr(self, f"_{options['verb'].replace('-', '_')}")(options)
        except DomainError as exc:
            raise CommandError(error_message(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You do not have permission")) from None

    def _import(self, options):
        from tqdm import tqdm

        from zhaoshang.registry.services import write_issue_report
        from zhaoshang.service.importing import import_appeals
        from zhaoshang.web.exports import issue_report_options

        bar = tqdm(
            desc=_("Importing appeals"), unit=_(" rows"), file=sys.stderr, disable=not sys.stderr.isatty()
        )

        def progress(done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
                bar.n = 0
            bar.update(max(0, done - bar.n))

        try:
            result = import_appeals(
                user_option(options["user"]),
                options["file"],
                dry_run=options["dry_run"],
                receiving_org=organisation_option(options["org"]),
                progress=progress,
            )
        finally:
            bar.close()
        if options["errors"]:  # in the installation's language, as the web writes it in the user's
            write_issue_report(result.issues, options["errors"], **issue_report_options())
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        c = result.counts
        for issue in result.issues[:50]:
            self.stderr.write(f"· {issue_message(issue)}")
        self.stdout.write(
            _(
                "%(file)s%(mode)s: %(read)s rows read, %(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected, %(flagged)s with notes; %(departments)s departments created (to confirm), %(firms)s firms created (to check)"
            )
            % {
                "file": result.file_name,
                "mode": _dry_run_note() if result.dry_run else "",
                "read": c["read"],
                "created": c["created"],
                "updated": c["updated"],
                "unchanged": c["unchanged"],
                "rejected": c["rejected"],
                "flagged": c["flagged"],
                "departments": c["departments_created"],
                "firms": c["firms_created"],
            }
        )

    def _due(self, options):
        from zhaoshang.service.services import due_date

        if options["days"] < 0:
            raise CommandError(_("N must be a whole number, zero or more"))
        self.stdout.write(due_date(date_option(options["received"]), options["days"]).isoformat())

    def _rates(self, options):
        from zhaoshang.service.services import RATE_DEFINITIONS, appeals_in_period, compute_rates

        start, end = date_option(options["start"]), date_option(options["end"])
        if end < start:
            raise CommandError(_("--to is earlier than --from"))
        org = organisation_option(options["org"])
        data = compute_rates(appeals_in_period(start, end, organisation=org)).as_dict()
        data = {"from": start.isoformat(), "to": end.isoformat(), "org": options["org"], **data}
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for key, name, definition in RATE_DEFINITIONS:
            value = data[key]
            self.stdout.write(f"{name}：{'—' if value is None else f'{value:.1%}'}（{definition}）")
        self.stdout.write(
            _("%(received)s received, %(closed)s closed, %(rated)s rated, median days to close %(median)s")
            % {
                "received": data["received"],
                "closed": data["closed"],
                "rated": data["rated"],
                "median": data["median_days_to_close"],
            }
        )

    def _clusters(self, options):
        from zhaoshang.service.services import recurring_problems

        start, end = date_option(options["start"]), date_option(options["end"])
        clusters = recurring_problems(start, end)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"from": start.isoformat(), "to": end.isoformat(), "clusters": clusters},
                    ensure_ascii=False,
                )
            )
            return
        for c in clusters:
            self.stdout.write(
                _("%(label)s: %(count)s appeals, %(firms)s firms")
                % {"label": c["label"], "count": c["count"], "firms": c["firms"]}
            )
            for a in c["appeals"][:10]:
                self.stdout.write(
                    _("  · %(appeal)s (%(why)s, similarity %(similarity)s)")
                    % {"appeal": a["ticket"] or a["id"], "why": a["why"], "similarity": a["similarity"]}
                )

    def _calendar(self, options):
        run_import(self, options)

    def _escalations(self, options):
        from zhaoshang.service.services import due_escalations, record_escalations

        today = date_option(options["date"]) if options["date"] else None
        found = record_escalations(today) if options["record"] else due_escalations(today)
        data = [{**asdict(e), "due": e.due.isoformat()} for e in found]
        if options["json"]:
            self.stdout.write(json.dumps({"escalations": data}, ensure_ascii=False))
            return
        for e in data:
            self.stdout.write(
                _("%(appeal)s %(level)s → %(recipients)s (due %(due)s)")
                % {
                    "appeal": e["appeal_id"],
                    "level": e["level"],
                    "recipients": e["recipients"],
                    "due": e["due"],
                }
            )

    def _directory(self, options):
        from zhaoshang.service.directory import import_directory

        result = import_directory(None, options["file"], dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            for error in result.errors:
                self.stderr.write(error)
            self.stdout.write(
                _("%(organisations)s units, %(users)s users")
                % {"organisations": result.organisations, "users": result.users}
                + (_dry_run_note() if result.dry_run else "")
            )
        if result.errors:
            raise CommandError(
                _("The directory file has %(n)s errors; nothing was imported") % {"n": len(result.errors)}
            )

    def _plan_visits(self, options):
        from django.utils import timezone

        from zhaoshang.accounts.models import User
        from zhaoshang.service.services import plan_automatic_visits, quarter_of

        today = date_option(options["date"]) or timezone.localdate()
        counts = plan_automatic_visits(today)
        names = dict(User.objects.filter(pk__in=list(counts["by_officer"])).values_list("pk", "username"))
        per_officer = {names.get(pk, str(pk)): n for pk, n in counts["by_officer"].items()}
        if options["json"]:
            data = {k: counts[k] for k in ("above_scale", "landed", "no_officer")}
            self.stdout.write(json.dumps({**data, "by_officer": per_officer}, ensure_ascii=False))
            return
        label = quarter_of(today)[2]
        self.stdout.write(
            _(
                "Visits planned: %(above_scale)s firms above designated size (%(quarter)s), %(landed)s newly landed projects; %(no_officer)s firms without an enterprise service officer"
            )
            % {
                "above_scale": counts["above_scale"],
                "quarter": label,
                "landed": counts["landed"],
                "no_officer": counts["no_officer"],
            }
        )
        for name, n in sorted(per_officer.items()):
            self.stdout.write(f"  {name}：{n}")

    def _erase(self, options):
        from zhaoshang.env import env_int
        from zhaoshang.service.services import erase_personal_data

        days = (
            options["days"]
            if options["days"] is not None
            else env_int("ZHAOSHANG_SERVICE_RETENTION_DAYS", 730, minimum=1)
        )
        n = erase_personal_data(None, older_than_days=days)
        self.stdout.write(_("Personal data of %(n)s appeals erased") % {"n": n})
