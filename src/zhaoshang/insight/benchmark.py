"""Benchmark services: indicator import, peer cities, similar cities, lag-years tables and their exports.

The verbs the benchmark pages, the API and ``zhaoshang insight indicators|lag|peers`` call; they own transactions,
writes and the audit record. Reading, units and the similarity measure are the plain-Python core
:mod:`zhaoshang.insight.indicators`; lag-years is :mod:`zhaoshang.insight.lagyears`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import check_reference, visible
from zhaoshang.accounts.types import Actor
from zhaoshang.core import audit
from zhaoshang.core.messages import is_chinese, issue_message
from zhaoshang.insight.errors import InsightError
from zhaoshang.insight.indicators import (
    IndicatorFile,
    Similarity,
    read_indicator_file,
    region_key,
    resolve_region,
    similar_regions,
)
from zhaoshang.insight.lagyears import Lag, lag_phrase, lag_years
from zhaoshang.insight.messages import LAG_TEXTS
from zhaoshang.insight.models import Indicator, IndicatorValue, PeerGroup
from zhaoshang.insight.services import listing
from zhaoshang.tabular import RowIssue

#: The cities a city measures itself against when its organisation has not chosen any (DOMAIN.md: 对标).
DEFAULT_PEERS = ("长沙市", "昆山市", "苏州市", "深圳市")
#: Indicators that are better when lower (lag-years crosses downwards).
LOWER_IS_BETTER_WORDS = ("能耗", "失业率", "排放", "万元GDP")


@dataclass
class IndicatorImport:
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    layout: str = ""
    rows: int = 0  # values read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    indicators: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "layout": self.layout,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "indicators": self.indicators,
            "regions": self.regions,
            "errors": [
                _("Row %(row)s %(column)s: %(message)s")
                % {"row": i.row, "column": i.column or "", "message": issue_message(i)}
                for i in self.errors
            ],
            "issues": [i.as_dict() for i in self.issues],
            "ignored_columns": self.ignored_columns,
        }


def find_organisation(code: str) -> Organisation:
    found = Organisation.objects.filter(code=code).first()
    if found is None:
        raise InsightError(_("No organisation has the code “%(code)s”") % {"code": code})
    return found


def import_indicators(
    actor: Actor,
    path: str | Path,
    *,
    organisation: Organisation | None = None,
    private: bool = False,
    dry_run: bool = False,
    example: bool = False,
    indicator: str = "",
    unit: str = "",
    source: str = "",
    source_name: str = "",
) -> IndicatorImport:
    """Import a region × indicator × year table (long or wide; see :mod:`zhaoshang.insight.indicators`).

    Values are owned by ``organisation`` (none: shared data, administrators only) and ``private`` ones stay inside
    its subtree. Nothing is written when any row has an error (the issues come back) or with ``dry_run``;
    re-importing the same file changes nothing. Raises :class:`InsightError` for a file that cannot be read.
    """
    if private and organisation is None:
        raise InsightError(_("A private indicator table must belong to an organisation (--org)"))
    check_reference(actor, organisation, field="单位", file_under=True)
    known = dict(Indicator.objects.values_list("name", "unit"))
    read: IndicatorFile = read_indicator_file(
        path, indicator=indicator, unit=unit, source=source, example=example, indicator_units=known
    )
    result = IndicatorImport(dry_run=dry_run, layout=read.layout, issues=read.issues)
    result.ignored_columns = read.ignored_columns
    result.rows = len(read.records)
    result.indicators = sorted({r.indicator for r in read.records})
    result.regions = sorted({r.region for r in read.records})
    if read.errors:
        result.created = result.updated = result.unchanged = 0
        return result
    if not read.records:
        result.issues.append(RowIssue(0, None, "", "empty", "文件中没有可导入的数值", "error"))
        return result
    file_name = source_name or Path(path).name
    with transaction.atomic():
        _apply(actor, read, result, organisation, private, file_name[:255])
        if dry_run:
            transaction.set_rollback(True)
    return result


def _apply(actor, read: IndicatorFile, result: IndicatorImport, organisation, private: bool, file_name: str):
    indicators = {i.name: i for i in Indicator.objects.filter(name__in=result.indicators)}
    for record in read.records:
        if record.indicator not in indicators:
            lower = any(word in record.indicator for word in LOWER_IS_BETTER_WORDS)
            indicators[record.indicator] = audit.create(
                actor, Indicator, name=record.indicator, unit=record.unit, higher_is_better=not lower
            )
    existing = {
        (v.region, v.indicator_id, v.year): v
        for v in IndicatorValue.objects.filter(
            organisation=organisation, indicator__in=indicators.values(), region__in=result.regions
        )
    }
    creates, updates, entries = [], [], []
    names = (
        "value",
        "unit",
        "region_code",
        "raw_value",
        "raw_unit",
        "source",
        "example",
        "private",
    )
    for record in read.records:
        ind = indicators[record.indicator]
        fields = {
            "value": record.value,
            "unit": record.unit,
            "region_code": record.region_code,
            "raw_value": record.raw_value[:40],
            "raw_unit": record.raw_unit[:20],
            "source": record.source[:255],
            "example": record.example,
            "private": private,
        }
        current = existing.get((record.region, ind.pk, record.year))
        if current is None:
            creates.append(
                IndicatorValue(
                    organisation=organisation,
                    region=record.region,
                    indicator=ind,
                    year=record.year,
                    source_file=file_name,
                    **fields,
                )
            )
            continue
        changes = {n: [getattr(current, n), fields[n]] for n in names if getattr(current, n) != fields[n]}
        if not changes:
            result.unchanged += 1
            continue
        for n, (_old, new) in changes.items():
            setattr(current, n, new)
        current.source_file = file_name
        updates.append(current)
        entries.append(audit.entry(actor, "update", current, changes, note=f"导入 {file_name}"))
    IndicatorValue.objects.bulk_create(creates, batch_size=1000)
    if updates:
        IndicatorValue.objects.bulk_update(updates, [*names, "source_file"], batch_size=1000)
    for value in creates:
        entries.append(
            audit.entry(actor, "create", value, {"value": [None, value.value]}, note=f"导入 {file_name}")
        )
    from zhaoshang.core.models import AuditEntry

    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    result.created = len(creates)
    result.updated = len(updates)


# --------------------------------------------------------------------------------------------- reading values


def visible_values(user: Any, organisation: Organisation | None = None):
    """Values the user may see; without a user (the CLI), shared values plus ``organisation``'s private ones."""
    qs = IndicatorValue.objects.select_related("indicator")
    if user is not None:
        return visible(user, qs)
    from django.db.models import Q

    condition = Q(private=False)
    if organisation is not None:
        condition |= Q(organisation__path__startswith=organisation.path)
    return qs.filter(condition)


def _preference(value: IndicatorValue, own_path: str) -> tuple:
    own = bool(own_path) and value.organisation is not None and value.organisation.path.startswith(own_path)
    return (not value.example, own, value.updated_at)


@dataclass
class IndicatorSeries:
    """One indicator for several regions: region → year → value (one value per cell, the best one)."""

    name: str
    unit: str
    higher_is_better: bool
    series: dict[str, dict[int, float]]
    example: set[tuple[str, int]]  # cells whose value is 示例 (invented)
    sources: dict[str, set[str]]  # region → sources

    @property
    def years(self) -> list[int]:
        return sorted({y for s in self.series.values() for y in s})


def collect(
    values, regions: Sequence[str] | None = None, indicators: Sequence[str] | None = None, own_path: str = ""
) -> dict[str, IndicatorSeries]:
    """The values of ``regions`` (all when None) grouped per indicator; where several organisations hold the same
    cell, a real figure beats a 示例 one, the user's own organisation's beats others', then the newest."""
    if regions is not None:
        values = values.filter(region__in=list(regions))
    if indicators:
        values = values.filter(indicator__name__in=list(indicators))
    best: dict[tuple[str, str, int], IndicatorValue] = {}
    for v in values.select_related("indicator", "organisation"):
        key = (v.indicator.name, v.region, v.year)
        held = best.get(key)
        if held is None or _preference(v, own_path) > _preference(held, own_path):
            best[key] = v
    out: dict[str, IndicatorSeries] = {}
    for (name, region, year), v in sorted(best.items()):
        s = out.get(name)
        if s is None:
            s = out[name] = IndicatorSeries(
                name, v.indicator.unit, v.indicator.higher_is_better, {}, set(), {}
            )
        s.series.setdefault(region, {})[year] = v.value
        if v.example:
            s.example.add((region, year))
        if v.source:
            s.sources.setdefault(region, set()).add(v.source)
    return out


# --------------------------------------------------------------------------------------------- peers


@dataclass(frozen=True)
class Peers:
    home: str
    peers: tuple[str, ...]
    similarity_indicators: tuple[str, ...]
    organisation: Organisation | None  # the organisation whose list this is (None: the default)


def default_home() -> str:
    return resolve_region("", getattr(settings, "HOME_REGION", "430200"))[0] or "株洲市"


def peers_for(user: Any) -> Peers:
    """The peer list of the user's organisation or its nearest ancestor that has one, else the default."""
    org = getattr(user, "organisation", None)
    if org is not None:
        paths = [org.path[:i] for i in range(len(org.path), 0, -1) if org.path[i - 1 : i] == "/"] or [
            org.path
        ]
        group = (
            PeerGroup.objects.filter(organisation__path__in=[*paths, org.path])
            .select_related("organisation")
            .order_by("-organisation__path")
            .first()
        )
        if group is not None:
            return Peers(
                group.home, tuple(group.peers), tuple(group.similarity_indicators), group.organisation
            )
    return Peers(default_home(), DEFAULT_PEERS, (), None)


def parse_regions(text: str | Iterable[str]) -> list[str]:
    parts = text if not isinstance(text, str) else text.replace("，", ",").replace("、", ",").split(",")
    out: list[str] = []
    for part in parts:
        part = str(part).strip()
        if part:
            name = region_key(part)
            if name not in out:
                out.append(name)
    return out


def save_peers(
    actor: Actor, organisation: Organisation, *, home: str, peers: Iterable[str] | str, indicators=()
) -> PeerGroup:
    """Set an organisation's home city and peer list (audited)."""
    check_reference(actor, organisation, field="单位", file_under=True)
    home_name = region_key(home.strip()) if home and home.strip() else ""
    if not home_name:
        raise InsightError(_("Please fill in your city"))
    names = [p for p in parse_regions(peers) if p != home_name]
    if not names:
        raise InsightError(_("Please fill in at least one benchmark city"))
    if len(names) > 12:
        raise InsightError(_("At most 12 benchmark cities"))
    chosen = [str(i).strip() for i in indicators if str(i).strip()]
    group = PeerGroup.objects.filter(organisation=organisation).first()
    with transaction.atomic():
        if group is None:
            return audit.create(
                actor,
                PeerGroup,
                organisation=organisation,
                home=home_name,
                peers=names,
                similarity_indicators=chosen,
            )
        audit.update(actor, group, home=home_name, peers=names, similarity_indicators=chosen)
    return group


def similar_cities(data: dict[str, IndicatorSeries], home: str, indicators: Sequence[str]) -> Similarity:
    """Cities closest to ``home`` on the chosen indicators (z-scores, the latest year they all have)."""
    chosen = [i for i in indicators if i in data] or sorted(data)[:4]
    table: dict[str, dict[str, dict[int, float]]] = {}
    for name in chosen:
        for region, series in data[name].series.items():
            table.setdefault(region, {})[name] = series
    return similar_regions(table, home, chosen)


# --------------------------------------------------------------------------------------------- lag-years


@dataclass(frozen=True)
class LagRow:
    indicator: str
    unit: str
    peer: str
    lag: Lag | None  # None: no data for the city or the peer
    example: bool  # a 示例 value is involved

    def as_dict(self) -> dict[str, Any]:
        lag = self.lag
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "peer": self.peer,
            "status": lag.status if lag else "no_data",
            "city_year": lag.city_year if lag else None,
            "city_value": lag.city_value if lag else None,
            "reached_year": lag.reached_year if lag else None,
            "gap_years": lag.gap_years if lag else None,
            "benchmark_year": lag.benchmark_year if lag else None,
            "benchmark_value": lag.benchmark_value if lag else None,
            "required_growth": lag.required_growth if lag else None,
            "years": lag.years if lag else None,
            "example": self.example,
            "text": lag_text(lag),
        }


def lag_text(lag: Lag | None, *, short: bool = False) -> str:
    """The sentence the cadres speak in, in the active language: 落后 7.5 年 / 落后至少 15 年 / 对标城市在数据范围内
    尚未达到 (``short``: the report's table cell, 落后 ≥15.0 年 / 尚未达到（本市领先）)."""
    code, params = lag_phrase(lag, short=short)
    return str(LAG_TEXTS[code]) % params


def lag_table(
    data: dict[str, IndicatorSeries], home: str, peers: Sequence[str], *, years: int = 5
) -> list[LagRow]:
    if years < 1 or years > 50:
        raise InsightError(_("The years to catch up should be between 1 and 50"))
    rows = []
    for name, s in sorted(data.items()):
        city = s.series.get(home)
        for peer in peers:
            bench = s.series.get(peer)
            lag = None
            if city and bench:
                try:
                    lag = lag_years(city, bench, years=years, higher_is_better=s.higher_is_better)
                except InsightError:
                    lag = None
            example = any(r in (home, peer) for r, _y in s.example)
            rows.append(LagRow(name, s.unit, peer, lag, example))
    return rows


def lag_between(
    city: str,
    peer: str,
    *,
    indicators: Sequence[str] = (),
    years: int = 5,
    user: Any = None,
    organisation: Organisation | None = None,
) -> list[LagRow]:
    """Lag-years of ``city`` against ``peer`` on every indicator both have (or the chosen ones)."""
    home, other = region_key(city), region_key(peer)
    own = (
        user.organisation.path
        if getattr(user, "organisation", None)
        else (organisation.path if organisation else "")
    )
    data = collect(visible_values(user, organisation), [home, other], indicators or None, own)
    missing = [i for i in indicators if i not in data]
    if missing:
        raise InsightError(_("No visible data of the indicators “%(names)s”") % {"names": listing(missing)})
    if not data:
        raise InsightError(
            _("Neither %(home)s nor %(other)s has visible indicator data") % {"home": home, "other": other}
        )
    return lag_table(data, home, [other], years=years)


# --------------------------------------------------------------------------------------------- exports


def lag_headers() -> tuple[str, ...]:  # a function: said in the language active when written
    return (
        _("Indicator"),
        _("Unit"),
        _("Peer city"),
        _("City's year"),
        _("City's value"),
        _("Year the peer reached that value"),
        _("Years behind"),
        _("Conclusion"),
        _("Peer's latest year"),
        _("Peer's latest value"),
        _("Yearly growth needed to catch up (%)"),
        _("Years to catch up"),
        _("Has example data"),
    )


def lag_rows_for_export(rows: Sequence[LagRow]) -> list[list[Any]]:
    out = []
    for r in rows:
        d = r.as_dict()
        growth = d["required_growth"]
        out.append(
            [
                r.indicator,
                r.unit,
                r.peer,
                d["city_year"],
                d["city_value"],
                None if d["reached_year"] is None else round(d["reached_year"], 2),
                None if d["gap_years"] is None else round(d["gap_years"], 2),
                d["text"],
                d["benchmark_year"],
                d["benchmark_value"],
                None if growth is None else round(growth * 100, 2),
                d["years"],
                _("example") if r.example else "",
            ]
        )
    return out


def write_lag_xlsx(rows: Sequence[LagRow], out) -> int:
    from zhaoshang.tabular import write_xlsx

    return write_xlsx(out, lag_headers(), lag_rows_for_export(rows), sheet_name=_("Years behind"))


def value_headers() -> tuple[str, ...]:
    return (
        pgettext("insight export", "Region"),
        pgettext("insight export", "Region code"),
        _("Indicator"),
        _("Year"),
        pgettext("insight export", "Value"),
        _("Unit"),
        _("Source"),
        _("Example"),
    )


def write_values_xlsx(data: dict[str, IndicatorSeries], regions: Sequence[str], out) -> int:
    from zhaoshang.tabular import write_xlsx

    rows = []
    for name, s in sorted(data.items()):
        for region in regions:
            for year, value in sorted(s.series.get(region, {}).items()):
                code = resolve_region(region)[1]
                rows.append(
                    [
                        region,
                        code,
                        name,
                        year,
                        value,
                        s.unit,
                        sources_joined(sorted(s.sources.get(region, ()))),
                        _("example") if (region, year) in s.example else "",
                    ]
                )
    return write_xlsx(out, value_headers(), rows, sheet_name=_("Indicators"))


def sources_joined(sources) -> str:
    """Sources as the active language lists them (Chinese: separated by ；)."""
    return ("；" if is_chinese() else "; ").join(sources)


def lag_short(lag: Lag | None) -> str:
    """The table cell: 落后 6.6 年 / 落后 ≥19.0 年 / 领先 2.0 年 / 尚未达到 / 无数据."""
    return lag_text(lag, short=True)


def benchmark_report(home: str, peers: Sequence[str], rows: Sequence[LagRow], *, years: int, similar=None):
    """The one-page benchmark report (``reports.document.Report``): the "落后 X 年" table (indicators × peers),
    the growth each indicator needs to catch up in ``years`` years, and how the figures were read."""
    from zhaoshang.reports.document import KeyFigure, KeyFigures, Paragraph, Report, Section, Table

    behind = [
        r for r in rows if r.lag and r.lag.status in ("reached", "before_data") and (r.lag.gap_years or 0) > 0
    ]
    indicators: dict[str, dict[str, LagRow]] = {}
    for r in rows:
        indicators.setdefault(r.indicator, {})[r.peer] = r
    lag_rows, growth_rows = [], []
    for name, by_peer in indicators.items():
        first = next(iter(by_peer.values()))
        current = next((r.lag for r in by_peer.values() if r.lag), None)
        label = _("%(name)s (%(unit)s)") % {"name": name, "unit": first.unit}
        value = (
            "—"
            if current is None
            else _("%(value)s (%(year)s)")
            % {"value": f"{current.city_value:,.2f}", "year": current.city_year}
        )
        lag_rows.append((label, value, *(lag_short(by_peer[p].lag if p in by_peer else None) for p in peers)))
        growth = []
        for p in peers:
            lag = by_peer[p].lag if p in by_peer else None
            growth.append(
                "—" if lag is None or lag.required_growth is None else f"{lag.required_growth * 100:.1f}%"
            )
        growth_rows.append((label, *growth))
    none = _("(none)")
    chinese = is_chinese()  # the measure words 个/项 have no English counterpart: none in English
    blocks: list[Any] = [
        KeyFigures(
            (
                KeyFigure(_("Peer cities"), len(peers), "个" if chinese else ""),
                KeyFigure(_("Indicators"), len(indicators), "个" if chinese else ""),
                KeyFigure(_("Indicator × city behind"), len(behind), "项" if chinese else ""),
            )
        ),
        Table(
            (_("Indicator"), _("City's current value"), *peers),
            tuple(lag_rows),
            caption=_("Years behind"),
            empty_text=none,
        ),
        Table(
            (_("Indicator"), *peers),
            tuple(growth_rows),
            caption=_("Yearly growth needed to reach the peers' latest values in %(years)s years")
            % {"years": years},
            empty_text=none,
        ),
        Paragraph(
            _(
                "Years behind: the year in which the peer reached the city's current value (interpolated linearly between the two observed years around it) subtracted from the city's current year; “≥” means the peer was already past the city's current value in its first year of data (the real gap may be larger); “not yet reached” means the peer never reached the city's current value within the data."
            )
        ),
    ]
    if any(r.example for r in rows):
        blocks.append(
            Paragraph(
                _(
                    "Note: this report includes invented demonstration figures marked “example”; they are no basis for decisions."
                )
            )
        )
    if similar is not None and similar.year is not None and similar.ranking:
        near = listing(
            _("%(name)s (%(distance)s)") % {"name": name, "distance": f"{dist:.2f}"}
            for name, dist in similar.ranking[:5]
        )
        blocks.append(
            Paragraph(
                _("Similar cities (%(year)s, distance after standardising %(indicators)s): %(near)s")
                % {"year": similar.year, "indicators": listing(similar.indicators), "near": near}
            )
        )
    return Report(
        title=_("Benchmark report of %(city)s") % {"city": home},
        subtitle=_("Peer cities: %(peers)s") % {"peers": listing(peers)},
        sections=(Section(_("Years behind"), tuple(blocks)),),
        page_label=_("Page {page}"),
    )
