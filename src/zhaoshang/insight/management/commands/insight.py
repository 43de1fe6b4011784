"""`zhaoshang insight complexity FILE ...` (and the other insight verbs)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.errors import DomainError
from zhaoshang.insight import services
from zhaoshang.insight.complexity import PRESENCE_TESTS, PROXIMITY_KINDS


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

    def handle(self, *args, verb, **options):
        try:
            getattr(self, "do_" + verb.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        except MemoryError:
            raise CommandError("内存不足：表太大，请按时间拆分后分别计算") from None

    def do_registry_complexity(self, by, measure, output, region_prefix="", chain=None, json=False, **_):
        run = services.compute_registry_complexity(
            by=by, measure=measure, output=output, region_prefix=region_prefix, chain=chain
        )
        if json:
            self._json(run.summary())
        else:
            self.stderr.write(
                f"已写入 {run.output}：{run.rows} 行（{run.locations} 个区县，{run.activities} 个产业），"
                f"汇总 {run.read_seconds:.3f} 秒，计算 {run.compute_seconds:.3f} 秒"
            )

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
        **_,
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
                sys.stderr.write(f"注意：{warning.message}\n")
        if json:
            self._json(run.summary())
        else:
            self.stderr.write(
                f"已写入 {run.output}：{run.rows} 行（{run.times} 个时间，{run.locations} 个地区，"
                f"{run.activities} 个产业），计算 {run.compute_seconds:.3f} 秒"
            )
