"""`zhaoshang firms import|show|search|export|duplicates` — the enterprise registry on the command line.

    zhaoshang firms import FILE [--dry-run] [--strict] [--errors OUT.xlsx] [--json] [--org CODE] [--user NAME]
                                [--map 表头=field ...] [--source TEXT]
    zhaoshang firms show CODE_OR_NAME [--json]

With ``--json`` standard output carries one JSON object and nothing else; progress and logs go to standard
error. The exit status is 0 unless the file cannot be read or ``--strict`` refused it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation, User
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, issue_message
from zhaoshang.registry.core.headers import FIELDS
from zhaoshang.registry.messages import said_mapping
from zhaoshang.registry.search import SORTS

SORT_KEYS = list(SORTS)


def _org(code: str | None) -> Organisation:
    if code:
        org = Organisation.objects.filter(code=code).first()
        if org is None:
            raise CommandError(_("The organisation code “%(code)s” does not exist") % {"code": code})
        return org
    roots = list(Organisation.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError(
            _("Name the organisation the register belongs to with --org (its organisation code)")
        )
    return roots[0]


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("The user “%(name)s” does not exist") % {"name": username})
    return user


def _mapping(items: list[str] | None) -> dict[str, str | None] | None:
    if not items:
        return None
    mapping: dict[str, str | None] = {}
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip():
            raise CommandError(
                _(
                    "The column mapping “%(item)s” is written header=field (an empty field ignores the column); the fields are: %(fields)s"
                )
                % {"item": item, "fields": _(", ").join(FIELDS)}
            )
        mapping[header.strip()] = target.strip() or None
    return mapping


class Command(BaseCommand):
    help = "Enterprise registry: import an export file, show one firm, search, export, find duplicates."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Import a registry export (CSV, XLSX, XLS, ODS).")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        imp.add_argument("--strict", action="store_true", help="land nothing if any row is rejected")
        imp.add_argument(
            "--errors", metavar="OUT.xlsx", help="write the error report (行号/列/原始值/问题/级别)"
        )
        imp.add_argument("--json", action="store_true", help="print only one JSON object with the counts")
        imp.add_argument(
            "--org", help="code of the organisation the firms belong to (default: the root organisation)"
        )
        imp.add_argument("--user", help="username recorded as the actor (default: the system)")
        imp.add_argument(
            "--map", action="append", metavar="表头=field", help="explicit column mapping; repeatable"
        )
        imp.add_argument("--source", help="where the file came from (default: its name)")

        show = sub.add_parser("show", help="Show one firm by credit code or name.")
        show.add_argument("code_or_name")
        show.add_argument("--json", action="store_true")

        search = sub.add_parser("search", help="Full-text search with filters.")
        search.add_argument("query", nargs="?", default="")
        search.add_argument("--region", help="region name (株洲, 株洲市, 芦淞区) or code")
        search.add_argument("--industry")
        search.add_argument("--status")
        search.add_argument("--tags")
        search.add_argument("--capital-min", type=float)
        search.add_argument("--capital-max", type=float)
        search.add_argument("--local", choices=["yes", "no"])
        search.add_argument("--limit", type=int, default=20)
        search.add_argument(
            "--sort",
            choices=SORT_KEYS,
            help="relevance (default: by relevance with a query, newest first without), name, capital, founded, founded_asc, recent",
        )
        search.add_argument("--json", action="store_true")

        export = sub.add_parser("export", help="Export the (filtered) list to XLSX.")
        export.add_argument("output")
        export.add_argument("--query", default="")
        export.add_argument("--region", help="region name (株洲, 株洲市, 芦淞区) or code")
        export.add_argument("--local", choices=["yes", "no"])
        export.add_argument("--sort", choices=SORT_KEYS, help="the rows' order, as --sort of firms search")

        dup = sub.add_parser("duplicates", help="Find probable duplicates and add them to the review list.")
        dup.add_argument("--threshold", type=float, default=90.0)
        dup.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        return getattr(self, "_" + options["verb"])(options)

    # ------------------------------------------------------------------------------------------ import
    def _import(self, options: dict[str, Any]) -> None:
        from tqdm import tqdm

        from zhaoshang.registry.services import import_enterprises, write_issue_report

        path = Path(options["file"])
        organisation = _org(options["org"])
        actor = _actor(options["user"])
        bar = tqdm(total=0, unit=_(" rows"), file=sys.stderr, disable=None, desc=path.name, leave=False)

        def progress(done: int, total: int) -> None:
            if done < bar.n:  # the second stage: the new and changed firms are placed on chain nodes
                bar.reset(total)
                bar.set_description(_("Placing on chain nodes"))
            if bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            result = import_enterprises(
                actor,
                path,
                organisation,
                dry_run=options["dry_run"],
                strict=options["strict"],
                mapping=_mapping(options["map"]),
                progress=progress,
                source=options["source"],
            )
        except (DomainError, OSError) as exc:
            raise CommandError(error_message(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or _("You may not import")) from None
        finally:
            bar.close()
        if options["errors"]:
            write_issue_report(result.issues, options["errors"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._print_result(result, options)
        if result.refused:
            raise CommandError(result.said_message())

    def _print_result(self, result, options) -> None:
        c = result.counts
        err = self.stderr
        for note in said_mapping(result.mapping).get("notes", []):
            err.write(f"· {note}")
        mode = _(" (dry run, nothing written)") if result.dry_run else ""
        self.stdout.write(
            _(
                "%(file)s%(mode)s: read %(read)s rows, %(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(rejected)s rejected, %(flagged)s to check"
            )
            % {"file": result.file_name, "mode": mode, **c}
        )
        if result.batch is not None and result.batch.pk:
            self.stdout.write(_("Import batch #%(id)s") % {"id": result.batch.pk})
        shown = [i for i in result.issues if i["severity"] != "info"][:20]
        for issue in shown:
            where = (
                _("Row %(row)s “%(column)s”") % {"row": issue["row"], "column": issue["column"]}
                if issue["column"]
                else _("Row %(row)s") % {"row": issue["row"]}
            )
            self.stdout.write(
                "  " + _("%(where)s: %(message)s") % {"where": where, "message": issue_message(issue)}
            )
        rest = sum(1 for i in result.issues if i["severity"] != "info") - len(shown)
        if rest > 0:
            hint = (
                _(", the full list is in %(file)s") % {"file": options["errors"]}
                if options["errors"]
                else _(", export the full list with --errors FILE.xlsx")
            )
            self.stdout.write("  " + _("… %(rest)s more%(hint)s") % {"rest": rest, "hint": hint})

    # ------------------------------------------------------------------------------------------ show
    def _show(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import RegistryError, enterprise_as_dict, find_enterprise

        try:
            firm = find_enterprise(None, options["code_or_name"])
        except RegistryError as exc:
            raise CommandError(error_message(exc)) from None
        data = enterprise_as_dict(firm)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        labels = {
            "uscc": _("Unified social credit code"),
            "name": _("Firm name"),
            "short_name": _("Short form of the name"),
            "legal_rep": _("Legal representative"),
            "founded": _("Founded"),
            "capital_raw": _("Registered capital"),
            "company_type": _("Company type"),
            "status": _("Registration status"),
            "address": _("Address"),
            "region": _("Region name"),
            "industry_code": _("Industry code"),
            "scope": _("Business scope"),
            "source": _("Source"),
        }
        line = _("%(label)s: %(value)s")
        for key, label in labels.items():
            value = data.get(key)
            if value not in (None, "", []):
                self.stdout.write(line % {"label": label, "value": value})
        if data["registered_capital_wan"] is not None:
            amount = f"{data['registered_capital_wan']} {data['currency']}"
            self.stdout.write(line % {"label": _("Registered capital (10k)"), "value": amount})
        for flag in data["flags"]:
            self.stdout.write(line % {"label": _("To verify"), "value": issue_message(flag)})

    # ------------------------------------------------------------------------------------------ search
    def _filters(self, options: dict[str, Any]) -> dict[str, Any]:
        local = options.get("local")
        return {
            "region": options.get("region"),
            "industry": options.get("industry"),
            "status": options.get("status"),
            "tags": options.get("tags"),
            "capital_min": options.get("capital_min"),
            "capital_max": options.get("capital_max"),
            "local": None if local is None else local == "yes",
        }

    def _search(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.search import search_page
        from zhaoshang.registry.services import enterprise_as_dict

        try:
            page = search_page(
                None,
                options["query"],
                self._filters(options),
                sort=options.get("sort"),
                size=options["limit"],
            )
        except ValueError as error:  # a region name of several places or of none: one line, exit 1
            raise CommandError(error_message(error)) from None
        firms = page.rows
        if options["json"]:
            self.stdout.write(json.dumps([enterprise_as_dict(f) for f in firms], ensure_ascii=False))
            return
        for firm in firms:
            self.stdout.write(f"{firm.uscc or '—':18}  {firm.name}  {firm.region_code}")

    def _export(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import export_enterprises_xlsx, search_enterprises

        try:
            qs = search_enterprises(None, options["query"], self._filters(options), sort=options.get("sort"))
            qs.exists()  # a region name of several places or of none fails here, before the file is written
        except ValueError as error:
            raise CommandError(error_message(error)) from None
        n = export_enterprises_xlsx(qs, options["output"])
        self.stdout.write(_("Exported %(n)s firms to %(file)s") % {"n": n, "file": options["output"]})

    def _duplicates(self, options: dict[str, Any]) -> None:
        from zhaoshang.registry.services import detect_duplicates

        n = detect_duplicates(None, threshold=options["threshold"])
        if options["json"]:
            self.stdout.write(json.dumps({"new_pairs": n}))
        else:
            self.stdout.write(
                _("%(n)s new probable duplicate pairs found; check them on the “Probable duplicates” page")
                % {"n": n}
            )
