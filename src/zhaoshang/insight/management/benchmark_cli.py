"""`zhaoshang insight indicators import|list`, `insight lag`, `insight peers` (added to the insight command)."""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from zhaoshang.core.messages import issue_message
from zhaoshang.insight import benchmark
from zhaoshang.insight.services import listing


def add_arguments(sub) -> None:
    ind = sub.add_parser(
        "indicators", help="region × indicator × year tables: import (units converted), list"
    )
    ind_sub = ind.add_subparsers(dest="indicators_verb", required=True)
    imp = ind_sub.add_parser("import", help="import a long or wide table with Chinese headers (CSV/XLSX)")
    imp.add_argument("file")
    imp.add_argument("--org", help="code of the owning organisation (default: shared data)")
    imp.add_argument(
        "--private", action="store_true", help="visible only within the organisation (needs --org)"
    )
    imp.add_argument("--example", action="store_true", help="mark every value as 示例 (invented)")
    imp.add_argument("--indicator", default="", help="indicator name when the file has no 指标 column")
    imp.add_argument("--unit", default="", help="unit when the file declares none (e.g. 亿元)")
    imp.add_argument("--source", default="", help="source when the file has no 来源 column")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument("--errors", help="write the error report (XLSX) here")
    imp.add_argument("--json", action="store_true")
    ls = ind_sub.add_parser("list", help="the indicators and regions held (shared and --org's private)")
    ls.add_argument("--org")
    ls.add_argument("--json", action="store_true")

    peers = sub.add_parser("peers", help="show or set an organisation's home city and peers; similar cities")
    peers.add_argument("--org", help="organisation code (default: show the default list)")
    peers.add_argument("--home", help="set the home city")
    peers.add_argument("--set", dest="peer_list", help="set the peers, e.g. 长沙,昆山,苏州,深圳")
    peers.add_argument(
        "--similar-by", help="indicators for similar cities, e.g. 地区生产总值,常住人口 (stored with --set)"
    )
    peers.add_argument("--json", action="store_true")

    lag = sub.add_parser("lag", help="lag-years of a city behind a benchmark city, per indicator")
    lag.add_argument("--city", required=True)
    lag.add_argument("--peer", required=True)
    lag.add_argument(
        "--indicator", action="append", default=[], help="one indicator (repeatable; default all)"
    )
    lag.add_argument("--years", type=int, default=5, help="years to catch up in (required growth), default 5")
    lag.add_argument("--org", help="include this organisation's private values")
    lag.add_argument("--json", action="store_true")


def handle(command, verb: str, options: dict) -> bool:
    """Run a benchmark verb; False when ``verb`` is not one of them."""
    if verb == "indicators":
        getattr(sys.modules[__name__], "_indicators_" + options["indicators_verb"])(command, **options)
        return True
    if verb == "peers":
        _peers(command, **options)
        return True
    if verb == "lag":
        _lag(command, **options)
        return True
    return False


def _org(code):
    return benchmark.find_organisation(code) if code else None


def _indicators_import(
    command,
    file,
    org=None,
    private=False,
    example=False,
    indicator="",
    unit="",
    source="",
    dry_run=False,
    errors=None,
    json=False,
    **_options,
):
    result = benchmark.import_indicators(
        None,
        file,
        organisation=_org(org),
        private=private,
        dry_run=dry_run,
        example=example,
        indicator=indicator,
        unit=unit,
        source=source,
    )
    if errors and result.issues:
        from zhaoshang.tabular.issues import write_issue_report

        write_issue_report(result.issues, errors)
    if json:
        command.stdout.write(_dumps(result.as_dict()))
    else:
        for issue in result.issues:
            where = {"row": issue.row, "column": issue.column or "", "message": issue_message(issue)}
            if issue.severity == "error":
                command.stderr.write(_("Error: row %(row)s, column “%(column)s”: %(message)s") % where)
            else:
                command.stderr.write(_("Note: row %(row)s, column “%(column)s”: %(message)s") % where)
        if result.ok:
            counts = {
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "indicators": len(result.indicators),
                "regions": len(result.regions),
            }
            if dry_run:
                command.stderr.write(
                    _(
                        "Dry run (nothing written): %(rows)s values (%(created)s new, %(updated)s updated, %(unchanged)s unchanged), %(indicators)s indicators, %(regions)s regions"
                    )
                    % counts
                )
            else:
                command.stderr.write(
                    _(
                        "Imported: %(rows)s values (%(created)s new, %(updated)s updated, %(unchanged)s unchanged), %(indicators)s indicators, %(regions)s regions"
                    )
                    % counts
                )
    if not result.ok:
        raise CommandError(_("%(count)s errors; nothing was written") % {"count": len(result.errors)})


def _indicators_list(command, org=None, json=False, **_options):
    data = benchmark.collect(benchmark.visible_values(None, _org(org)))
    rows = [
        {"indicator": s.name, "unit": s.unit, "regions": sorted(s.series), "years": s.years}
        for s in data.values()
    ]
    if json:
        command.stdout.write(_dumps({"indicators": rows}))
        return
    for r in rows:
        years = f"{r['years'][0]}–{r['years'][-1]}" if r["years"] else ""
        name = _("%(name)s (%(unit)s)") % {"name": r["indicator"], "unit": r["unit"]}
        command.stdout.write(f"{name}\t{years}\t{listing(r['regions'])}")


def _lag(command, city, peer, indicator=(), years=5, org=None, json=False, **_options):
    rows = benchmark.lag_between(city, peer, indicators=indicator, years=years, organisation=_org(org))
    if json:
        command.stdout.write(
            _dumps(
                {
                    "city": benchmark.region_key(city),
                    "peer": benchmark.region_key(peer),
                    "years": years,
                    "lags": [r.as_dict() for r in rows],
                }
            )
        )
        return
    for r in rows:
        d = r.as_dict()
        growth = (
            ""
            if d["required_growth"] is None
            else "\t"
            + _("to catch up in %(years)s years: %(growth).1f%% a year")
            % {"years": years, "growth": d["required_growth"] * 100}
        )
        mark = _("(example)") if r.example else ""
        name = _("%(name)s (%(unit)s)") % {"name": r.indicator, "unit": r.unit}
        command.stdout.write(f"{name}\t{r.peer}\t{d['text']}{growth}{mark}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def _peers(command, org=None, home=None, peer_list=None, similar_by=None, json=False, **_options):
    organisation = _org(org)
    indicators = [i for i in (similar_by or "").replace("，", ",").split(",") if i.strip()]
    if peer_list is not None or home is not None:
        if organisation is None:
            raise CommandError(_("Setting the benchmark cities needs --org"))
        current = benchmark.peers_for(_Member(organisation))
        benchmark.save_peers(
            None,
            organisation,
            home=home or current.home,
            peers=peer_list if peer_list is not None else list(current.peers),
            indicators=indicators or list(current.similarity_indicators),
        )
    peers = benchmark.peers_for(_Member(organisation))
    data = benchmark.collect(benchmark.visible_values(None, organisation))
    chosen = (
        list(peers.similarity_indicators) or sorted(n for n, s in data.items() if peers.home in s.series)[:4]
    )
    similar = benchmark.similar_cities(data, peers.home, chosen)
    summary = {
        "home": peers.home,
        "peers": list(peers.peers),
        "organisation": peers.organisation.code if peers.organisation else None,
        "similar": {
            "year": similar.year,
            "indicators": list(similar.indicators),
            "dropped": list(similar.dropped),
            "cities": [{"region": r, "distance": d} for r, d in similar.ranking],
        },
    }
    if json:
        command.stdout.write(_dumps(summary))
        return
    command.stdout.write(
        _("Your city: %(home)s\tbenchmark cities: %(peers)s")
        % {"home": peers.home, "peers": listing(peers.peers)}
    )
    if similar.year is not None and similar.ranking:
        near = listing(
            _("%(name)s (%(distance)s)") % {"name": r, "distance": f"{d:.2f}"} for r, d in similar.ranking
        )
        command.stdout.write(
            _("Similar cities (%(year)s, %(indicators)s): %(cities)s")
            % {"year": similar.year, "indicators": listing(similar.indicators), "cities": near}
        )
    else:
        command.stdout.write(
            _(
                "Similar cities: not enough data (your city and at least two other cities need the chosen indicators in the same year)"
            )
        )


class _Member:
    """Stands for a user of ``organisation`` when the command asks for its peers."""

    def __init__(self, organisation) -> None:
        self.organisation = organisation
