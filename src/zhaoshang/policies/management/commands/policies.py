"""`zhaoshang policies match|import|export|push`."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.accounts.cli import date_option
from zhaoshang.accounts.models import User
from zhaoshang.core.messages import error_message


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("The user “%(username)s” does not exist") % {"username": username})
    return user


STATUS = {
    "matched": gettext_lazy("Met"),
    "nearly": gettext_lazy("One condition short"),
    "unknown": gettext_lazy("Not enough data to judge"),
}
MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}


class Command(BaseCommand):
    help = "Policies: match a firm, import or export the library, push a clause to its eligible firms (免申即享)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        match = sub.add_parser(
            "match", help="The clauses a firm meets, nearly meets and cannot be judged on."
        )
        match.add_argument("firm", help="credit code or name")
        match.add_argument("--on", help="the day to judge on, YYYY-MM-DD (default today)")
        match.add_argument("--json", action="store_true")
        imp = sub.add_parser("import", help="Import policies and clauses (XLSX, CSV or YAML).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--errors", help="write the rows with problems to this XLSX (行号, 字段, 原因)")
        imp.add_argument("--user", help="username recorded as the actor")
        imp.add_argument("--json", action="store_true")
        exp = sub.add_parser("export", help="Export the library (XLSX or YAML by suffix).")
        exp.add_argument("-o", "--output", required=True)
        push = sub.add_parser("push", help="Put the firms meeting a clause on its 免申即享 list.")
        push.add_argument("clause", type=int, help="clause id")
        push.add_argument("--user", help="username recorded as the actor")
        push.add_argument("--json", action="store_true")

    def handle(self, *args, verb, **opts):
        from zhaoshang.policies import services

        try:
            getattr(self, "_" + verb)(services, **opts)
        except services.PoliciesError as exc:
            raise CommandError(error_message(exc)) from None

    def _match(self, services, firm, on, json: bool, **_opts):
        enterprise = services.find_firm(firm)
        data = services.match_firm_json(enterprise, date_option(on))
        if json:
            self.stdout.write(_dumps(data))
            return
        firm_ = data["firm"]
        self.stdout.write(
            _("%(name)s (%(uscc)s) · %(date)s")
            % {"name": firm_["name"], "uscc": firm_["uscc"] or _("no credit code"), "date": data["as_of"]}
        )
        for status in ("matched", "nearly", "unknown"):
            self.stdout.write(
                "\n" + _("%(status)s: %(count)s") % {"status": STATUS[status], "count": len(data[status])}
            )
            for row in data[status]:
                self.stdout.write(f"  {row['policy']} {row['number']} {row['title']}")
                for c in row["conditions"]:
                    if c["status"] == "unknown":
                        detail = _("data missing: %(label)s") % {"label": c["label"]}
                    else:
                        detail = _("value %(value)s") % {"value": c["value"]}
                    if c["gap"]:
                        detail += _(", short by %(gap)s") % {"gap": f"{c['gap']:g}"}
                    self.stdout.write(
                        "    "
                        + _("%(mark)s %(rule)s (%(detail)s)")
                        % {"mark": MARK[c["status"]], "rule": c["rule"], "detail": detail}
                    )

    def _import(self, services, file, dry_run, user, json: bool, errors=None, **_opts):
        from tqdm import tqdm

        with tqdm(desc=_("Importing policies"), unit=_("entries"), file=sys.stderr, disable=json) as bar:
            result = services.import_policies(_actor(user), file, dry_run=dry_run, progress=bar.update)
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            for issue in result.issues:
                self.stderr.write(_("Row %(row)s · %(field)s · %(reason)s") % issue)
            counts = {
                "created": result.policies_created,
                "updated": result.policies_updated,
                "clauses": result.clauses,
            }
            self.stdout.write(
                (_("(dry run, nothing written) ") if dry_run else "")
                + _("%(created)s policies created, %(updated)s updated, %(clauses)s clauses") % counts
            )
        if errors and result.issues:
            from zhaoshang.tabular import write_xlsx

            write_xlsx(
                errors,
                [_("Row number"), _("Field"), _("Reason it was refused")],
                [[i["row"], i["field"], i["reason"]] for i in result.issues],
            )
        if result.issues:
            raise CommandError(_("%(count)s problems: nothing was imported") % {"count": len(result.issues)})

    def _export(self, services, output, **_opts):
        from zhaoshang.policies.models import Policy

        path = services.export_policies(Policy.objects.all(), output)
        self.stdout.write(str(path))

    def _push(self, services, clause, user, json: bool, **_opts):
        from zhaoshang.policies.models import Clause

        found = Clause.objects.select_related("policy").filter(pk=clause).first()
        if found is None:
            raise CommandError(_("Clause %(clause)s does not exist") % {"clause": clause})
        result = services.push_clause(_actor(user), found)
        self.stdout.write(
            _dumps(result)
            if json
            else _("%(eligible)s eligible firms, %(new)s new on the list")
            % {"eligible": result["eligible"], "new": result["new"]}
        )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
