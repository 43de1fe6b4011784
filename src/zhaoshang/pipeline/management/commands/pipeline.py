"""`zhaoshang pipeline meeting-pack|import|new-registration-tasks`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from zhaoshang.accounts.cli import date_option, organisation_option, user_option
from zhaoshang.core.messages import error_message


class Command(BaseCommand):
    help = "Investment project pipeline: meeting pack, project list import, new-registration tasks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        pack = sub.add_parser("meeting-pack", help="Write the 专案分析会 pack as .docx or .pdf.")
        pack.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        pack.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        pack.add_argument("--org", help="organisation code (default: the whole city)")
        pack.add_argument("-o", "--output", required=True, help="FILE.docx or FILE.pdf")
        pack.add_argument("--json", action="store_true", help="print the totals as JSON")

        imp = sub.add_parser("import", help="Import a project list (Excel or CSV).")
        imp.add_argument("file")
        imp.add_argument("--org", required=True, help="code of the team the projects belong to")
        imp.add_argument("--user", help="username recorded as the actor and default owner")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--errors", metavar="OUT.xlsx", help="write the rows' problems to this error report")
        imp.add_argument("--json", action="store_true")

        reg = sub.add_parser(
            "new-registration-tasks", help="First-contact tasks for firms newly registered in an import."
        )
        reg.add_argument("batch", type=int, help="registry import batch id")
        reg.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["verb"].replace("-", "_"))(options)

    def _meeting_pack(self, options):
        from zhaoshang.pipeline.services import PipelineError, meeting_pack, render_meeting_pack

        out = Path(options["output"])
        if out.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError(
                _("Unsupported output format “%(format)s”; use .docx or .pdf")
                % {"format": out.suffix or out.name}
            )
        try:
            with translation.override(settings.LANGUAGE_CODE):  # a command writes the installation's language
                pack = meeting_pack(
                    organisation_option(options["org"]),
                    date_option(options["start"]),
                    date_option(options["end"]),
                )
                render_meeting_pack(pack, out)
        except PipelineError as exc:
            raise CommandError(error_message(exc)) from None
        totals = {
            "file": str(out),
            "new_leads": pack.new_leads.totals["count"],
            "stage_movements": pack.stage_movements.totals["count"],
            "signed": pack.signed.totals["count"],
            "signed_amount_wan": str(pack.signed.totals["amount_wan"]),
            "started": pack.started.totals["count"],
            "producing": pack.producing.totals["count"],
            "cold": pack.cold.totals["count"],
            "overdue_items": pack.overdue_by_department.totals["count"],
        }
        if options["json"]:
            sys.stdout.write(json.dumps(totals, ensure_ascii=False) + "\n")
        else:
            self.stdout.write(
                _("Written %(file)s (new leads: %(leads)s, signed: %(signed)s)")
                % {"file": out, "leads": totals["new_leads"], "signed": totals["signed"]}
            )

    def _import(self, options):
        from zhaoshang.pipeline.importing import ImportRefused
        from zhaoshang.pipeline.services import import_projects

        org = organisation_option(options["org"])
        actor = user_option(options.get("user"))
        try:
            result = import_projects(
                actor, options["file"], organisation=org, dry_run=options["dry_run"], owner=actor
            )
        except ImportRefused as exc:
            raise CommandError(error_message(exc)) from None
        if options["json"]:
            sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        else:
            counts = {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
            if result.dry_run:
                line = _(
                    "(dry run, nothing written) rows: %(rows)s; new: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s"
                )
            else:
                line = _("Rows: %(rows)s; new: %(created)s, updated: %(updated)s, unchanged: %(unchanged)s")
            self.stdout.write(line % counts)
            for error in result.errors:
                self.stderr.write(error)
        if options.get("errors") and result.issues:
            from zhaoshang.tabular.issues import write_issue_report
            from zhaoshang.web.exports import issue_report_options

            write_issue_report(result.issues, options["errors"], **issue_report_options())
            self.stderr.write(_("Problems written to %(file)s") % {"file": options["errors"]})
        if result.errors:
            raise CommandError(_("Errors: %(count)s; nothing was imported") % {"count": len(result.errors)})

    def _new_registration_tasks(self, options):
        from zhaoshang.pipeline.services import create_new_registration_tasks
        from zhaoshang.registry.models import ImportBatch

        batch = ImportBatch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(_("The import batch %(batch)s does not exist") % {"batch": options["batch"]})
        tasks = create_new_registration_tasks(batch)
        if options["json"]:
            sys.stdout.write(json.dumps({"created": len(tasks)}) + "\n")
        else:
            self.stdout.write(
                _("First-service tasks created for newly registered firms: %(count)s") % {"count": len(tasks)}
            )
