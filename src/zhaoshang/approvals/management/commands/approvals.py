"""`zhaoshang approvals escalations|figures|template`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.accounts.cli import date_option
from zhaoshang.core.messages import error_message


class Command(BaseCommand):
    help = "Approval agency: overdue promises to escalate, city-wide figures, templates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        esc = sub.add_parser(
            "escalations", help="Who must be told what about overdue government promises today."
        )
        esc.add_argument("--on", help="YYYY-MM-DD (default today)")
        esc.add_argument(
            "--mark-told", action="store_true", help="record them as told (each level is told once)"
        )
        esc.add_argument("--json", action="store_true")
        fig = sub.add_parser("figures", help="City-wide figures: per item, per department, per project type.")
        fig.add_argument("--on", help="YYYY-MM-DD (default today)")
        fig.add_argument("--json", action="store_true")
        tpl = sub.add_parser(
            "template", help="Load an approval template from YAML (replaces the project type's template)."
        )
        tpl.add_argument("file")

    def handle(self, *args, verb, **opts):
        from zhaoshang.approvals import services

        try:
            getattr(self, "_" + verb)(services, **opts)
        except services.ApprovalsError as exc:
            raise CommandError(error_message(exc)) from None

    def _escalations(self, services, on, mark_told, json: bool, **_opts):
        rows = services.due_escalations(date_option(on))
        out = [
            {
                "promise_id": e["promise"].pk,
                "project": e["promise"].project.name,
                "level": e["level"],
                "days_overdue": e["days_overdue"],
                "users": [u.username for u in e["users"]],
                "message": e["message"],
            }
            for e in rows
        ]
        if mark_told:
            services.mark_told(rows, date_option(on))
        if json:
            self.stdout.write(_dumps(out))
            return
        for e in out:
            users = ", ".join(e["users"]) or _("(nobody)")
            self.stdout.write(
                _("[%(level)s] → %(users)s: %(message)s")
                % {"level": e["level"], "users": users, "message": e["message"]}
            )
        self.stdout.write(_("%(count)s in all") % {"count": len(out)})

    def _figures(self, services, on, json: bool, **_opts):
        from zhaoshang.approvals.models import ApprovalCase

        data = services.city_figures(ApprovalCase.objects.all(), date_option(on))
        if json:
            self.stdout.write(_dumps(data))
            return
        for r in data["per_item"]:
            self.stdout.write(
                _(
                    "%(name)s: %(cases)s cases, median %(median)s working days / legal %(limit)s, %(late)s late"
                )
                % {
                    "name": r["name"],
                    "cases": r["cases"],
                    "median": r["median_days"],
                    "limit": r["limit_days"],
                    "late": r["late"],
                }
            )

    def _template(self, services, file, **_opts):
        import yaml

        try:
            with open(file, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(_("The template file cannot be read: %(error)s") % {"error": exc}) from None
        template = services.save_template(None, data)
        self.stdout.write(_("Template “%(name)s” saved") % {"name": template.name})


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
