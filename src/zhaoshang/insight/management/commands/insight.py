"""`zhaoshang insight complexity FILE ...` (and the other insight verbs)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, is_chinese
from zhaoshang.insight import services
from zhaoshang.insight.complexity import PRESENCE_TESTS, PROXIMITY_KINDS
from zhaoshang.insight.management import benchmark_cli


def _note(message: Warning | str) -> str:
    """A core's note (an ``InsightNote`` carries its code) in the user's language."""
    return error_message(message) if isinstance(message, Warning) else str(message)


class Command(BaseCommand):
    help = "Benchmarking and what to attract next: economic complexity, input-output tables, indicators."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        cx = sub.add_parser(
            "complexity",
            help="RCA, presence, diversity, ubiquity, ECI, PCI, density, COI, COG of a long table (as py-ecomplexity)",
        )
        cx.add_argument("file", help="CSV or XLSX: one row per (time,) location, activity with a value")
        cx.add_argument("--location", required=True, help="location column")
        cx.add_argument("--activity", required=True, help="activity (product, industry) column")
        cx.add_argument("--value", required=True, help="value column (export value, output, firms, ...)")
        cx.add_argument("--time", help="time column (each time is computed on its own)")
        cx.add_argument(
            "--population", help="CSV/XLSX with the location (and time) column and a population column"
        )
        cx.add_argument(
            "--population-column", help="the population column of --population (default: the other one)"
        )
        cx.add_argument(
            "--presence", choices=PRESENCE_TESTS, help="presence test (default rca; rpop with --population)"
        )
        cx.add_argument("--rca-threshold", type=float, default=1.0)
        cx.add_argument("--rpop-threshold", type=float, default=1.0)
        cx.add_argument("--proximity", choices=PROXIMITY_KINDS, default="symmetric")
        cx.add_argument("-o", "--output", required=True, help="result CSV (or .xlsx)")
        cx.add_argument("--json", action="store_true", help="print only a JSON summary on standard output")

        rg = sub.add_parser(
            "registry-complexity",
            help="complexity of the registry: firms or registered capital per county × GB/T 4754 level or chain node",
        )
        rg.add_argument("--by", choices=["division", "group", "class", "node"], default="class")
        rg.add_argument("--measure", choices=["firms", "capital"], default="firms")
        rg.add_argument(
            "--region-prefix", default="", help="only counties whose code starts with this (e.g. 43)"
        )
        rg.add_argument("--chain", help="with --by node: only this chain (slug)")
        rg.add_argument("-o", "--output", required=True)
        rg.add_argument("--json", action="store_true")

        op = sub.add_parser(
            "opportunities", help="what the home location could attract next, ranked and explained"
        )
        op.add_argument("file", help="the same long table as for complexity (one time, or --year)")
        op.add_argument("--location", required=True)
        op.add_argument("--activity", required=True)
        op.add_argument("--value", required=True)
        op.add_argument("--time", help="time column")
        op.add_argument("--year", help="the time to use (default: the latest)")
        op.add_argument("--home", required=True, help="the home location's code as in the file")
        op.add_argument("--preset", choices=["low_hanging", "balanced", "long_jumps"], default="balanced")
        op.add_argument("--weights", help="user weights, e.g. density=0.5,pci=0.2,cog=0.2,chain=0.1")
        op.add_argument("--top", type=int, default=20)
        op.add_argument("--json", action="store_true")
        sn = sub.add_parser(
            "snapshot",
            help="(re)build the stored registry complexity the insight pages read (what to attract next)",
        )
        sn.add_argument("--by", choices=["division", "group", "class", "node"], default="class")
        sn.add_argument("--measure", choices=["firms", "capital"], default="firms")
        sn.add_argument("--level", choices=["county", "city"], default="county")
        sn.add_argument(
            "--region-prefix", default="", help="only regions whose code starts with this (e.g. 43)"
        )
        sn.add_argument("--chain", default="", help="with --by node: only this chain (slug)")
        sn.add_argument("--name", help="name to store it under (default from the parameters)")
        sn.add_argument("--json", action="store_true")
        io = sub.add_parser("io", help="input-output tables: import, requirements of a target industry")
        io_sub = io.add_subparsers(dest="io_verb", required=True)
        io_imp = io_sub.add_parser("import", help="import an NBS input-output table (CSV/XLSX)")
        io_imp.add_argument("file")
        io_imp.add_argument("--name", help="name to store it under (default: year-sectors, e.g. 2020-42)")
        io_imp.add_argument("--year", type=int)
        io_imp.add_argument("--json", action="store_true")
        io_map = io_sub.add_parser(
            "mapping", help="the IO sector → GB/T 4754 / chain node mapping: import or export"
        )
        io_map.add_argument("action", choices=["import", "export"])
        io_map.add_argument("file", help="CSV/XLSX (columns table, io_code, io_name, gbt4754, chain_nodes)")
        io_req = io_sub.add_parser(
            "requirements", help="direct and total requirements of a sector, with leakage"
        )
        io_req.add_argument("table", help="name of an imported table")
        io_req.add_argument("--sector", required=True, help="sector code or Chinese name")
        io_req.add_argument("--lq", help="CSV/XLSX with columns code,lq: the region's location quotients")
        io_req.add_argument(
            "--region", help="location quotients from the registry for this region code prefix"
        )
        io_req.add_argument(
            "--mapping", help="IO sector → GB/T 4754 division mapping (default: the shipped one)"
        )
        io_req.add_argument("--top", type=int, default=20)
        io_req.add_argument("--json", action="store_true")
        benchmark_cli.add_arguments(sub)

    def handle(self, *args, verb, **options):
        try:
            if benchmark_cli.handle(self, verb, options):
                return
            getattr(self, "do_" + verb.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(error_message(exc)) from None
        except MemoryError:
            raise CommandError(
                _("Out of memory: the table is too large; split it by time and compute each part")
            ) from None

    def do_registry_complexity(
        self, by, measure, output, region_prefix="", chain=None, json=False, **_options
    ):
        run = services.compute_registry_complexity(
            by=by, measure=measure, output=output, region_prefix=region_prefix, chain=chain
        )
        if json:
            self._json(run.summary())
        else:
            self.stderr.write(
                _(
                    "Written %(output)s: %(rows)s rows (%(locations)s counties, %(activities)s industries), aggregated in %(read).3f s, computed in %(compute).3f s"
                )
                % {
                    "output": run.output,
                    "rows": run.rows,
                    "locations": run.locations,
                    "activities": run.activities,
                    "read": run.read_seconds,
                    "compute": run.compute_seconds,
                }
            )

    def do_opportunities(
        self,
        file,
        location,
        activity,
        value,
        home,
        time=None,
        year=None,
        preset="balanced",
        weights=None,
        top=20,
        json=False,
        **_options,
    ):
        ranked = services.rank_file_opportunities(
            file,
            location=location,
            activity=activity,
            value=value,
            home=home,
            time_column=time,
            year=year,
            preset=preset,
            weights=services.parse_weights(weights),
            top=top,
        )
        rows = [
            {
                "rank": o.rank,
                "activity": o.activity,
                "score": o.score,
                "values": o.values,
                "contributions": o.contributions,
                "adds_complexity": o.adds_complexity,
                "reasons": o.reasons,
                "neighbours": [{"activity": n.activity, "proximity": n.proximity} for n in o.neighbours],
            }
            for o in ranked
        ]
        if json:
            self._json({"home": home, "preset": None if weights else preset, "opportunities": rows})
            return
        for o in ranked:
            near = services.listing(f"{n.activity}({n.proximity:.2f})" for n in o.neighbours)
            cells = [
                str(o.rank),
                str(o.activity),
                _("score %(score).3f") % {"score": o.score},
                _("density %(density).3f") % {"density": o.values["density"]},
                f"PCI {o.values['pci']:.2f}",
                f"COG {o.values['cog']:.3f}",
                _("near: %(near)s") % {"near": near},
            ]
            self.stdout.write("\t".join(cells))

    def do_snapshot(self, by, measure, level, region_prefix="", chain="", name=None, json=False, **_options):
        from zhaoshang.insight.analysis_services import build_snapshot

        snapshot = build_snapshot(
            None, by=by, measure=measure, level=level, region_prefix=region_prefix, chain=chain, name=name
        )
        summary = {
            "name": snapshot.name,
            "locations": snapshot.locations,
            "activities": snapshot.activities,
            "compute_seconds": snapshot.seconds,
        }
        if json:
            self._json(summary)
        else:
            self.stderr.write(
                _(
                    "Complexity snapshot “%(name)s” saved: %(locations)s regions × %(activities)s industries, %(seconds).3f s"
                )
                % {
                    "name": snapshot.name,
                    "locations": snapshot.locations,
                    "activities": snapshot.activities,
                    "seconds": snapshot.seconds,
                }
            )

    def do_io_mapping(self, action, file, **_options):
        from zhaoshang.insight import analysis_services as analysis

        if action == "import":
            counts = analysis.import_sector_map(None, file)
            tables = ("，" if is_chinese() else ", ").join(
                _("%(layout)s-sector table %(rows)s rows") % {"layout": k, "rows": v}
                for k, v in counts.items()
            )
            self.stderr.write(_("Sector map imported: %(tables)s") % {"tables": tables})
            return
        from zhaoshang.tabular import write_csv, write_xlsx

        header, rows = analysis.export_sector_map()
        (write_xlsx if str(file).lower().endswith(".xlsx") else write_csv)(file, header, rows)
        self.stderr.write(
            _("Sector map exported: %(rows)s rows to %(file)s") % {"rows": len(rows), "file": file}
        )

    def do_io(self, io_verb, **options):
        getattr(self, "do_io_" + io_verb)(**options)

    def do_io_import(self, file, name=None, year=None, json=False, **_options):
        stored = services.import_io_table(None, file, name=name, year=year)
        summary = {
            "name": stored.name,
            "year": stored.year,
            "sectors": stored.sectors,
            "imports_separated": stored.noncompetitive,
        }
        if json:
            self._json(summary)
        else:
            self.stderr.write(
                _("Input-output table “%(name)s” imported: %(sectors)s sectors")
                % {"name": stored.name, "sectors": stored.sectors}
            )

    def do_io_requirements(
        self, table, sector, lq=None, region=None, mapping=None, top=20, json=False, **_options
    ):
        from zhaoshang.insight.io import requirements
        from zhaoshang.insight.tables import read_long_table

        io_table = services.find_io_table(table).table()
        quotients = None
        if lq:
            frame = read_long_table(lq, keys=["code"], value="lq")
            quotients = dict(zip(frame["code"].astype(str), frame["lq"], strict=True))
        elif region:
            quotients = services.registry_location_quotients(region, mapping_path=mapping)
        rows = requirements(io_table, sector, location_quotients=quotients)[:top]
        data = [r.__dict__ for r in rows]
        if json:
            self._json({"table": table, "sector": sector, "requirements": data})
            return
        for r in rows:
            leak = "" if r.leakage is None else "  " + _("bought outside %(value).4f") % {"value": r.leakage}
            direct = _("direct %(value).4f") % {"value": r.direct}
            total = _("total %(value).4f") % {"value": r.total}
            self.stdout.write(f"{r.code}\t{r.name}\t{direct}\t{total}{leak}")

    def _json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def do_complexity(
        self,
        file,
        location,
        activity,
        value,
        output,
        time=None,
        population=None,
        population_column=None,
        presence=None,
        rca_threshold=1.0,
        rpop_threshold=1.0,
        proximity="symmetric",
        json=False,
        **_options,
    ):
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = services.compute_complexity_file(
                file,
                location=location,
                activity=activity,
                value=value,
                output=output,
                time_column=time,
                population=population,
                population_value=population_column,
                presence_test=presence,
                rca_threshold=rca_threshold,
                rpop_threshold=rpop_threshold,
                proximity_kind=proximity,
            )
        for warning in caught:
            if issubclass(warning.category, UserWarning):
                sys.stderr.write(_("Note: %(message)s") % {"message": _note(warning.message)} + "\n")
        if json:
            self._json(run.summary())
        else:
            self.stderr.write(
                _(
                    "Written %(output)s: %(rows)s rows (%(times)s times, %(locations)s regions, %(activities)s industries), computed in %(compute).3f s"
                )
                % {
                    "output": run.output,
                    "rows": run.rows,
                    "times": run.times,
                    "locations": run.locations,
                    "activities": run.activities,
                    "compute": run.compute_seconds,
                }
            )
