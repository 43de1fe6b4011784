"""Benchmark pages: the city against its peers (line charts, tables, lag-years), peers, indicator import, exports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import assignable_organisations, can, require
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message
from zhaoshang.insight import benchmark
from zhaoshang.insight.models import PeerGroup
from zhaoshang.web.exports import file_download, issue_report_download, keep_issue_report

MAX_YEARS = 50


class IndicatorImportForm(forms.Form):
    file = forms.FileField(label=_("Excel or CSV file"))
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    private = forms.BooleanField(
        label=_("Private: visible only within this organisation"), required=False, initial=False
    )
    example = forms.BooleanField(label=_("Invented figures (示例)"), required=False)
    dry_run = forms.BooleanField(label=_("Dry run (check only)"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = assignable_organisations(user)
        self.fields["organisation"].initial = user.organisation_id


class PeersForm(forms.Form):
    home = forms.CharField(label=_("Home city"), max_length=64)
    peers = forms.CharField(label=_("Peer cities (separated by commas)"), max_length=600)
    indicators = forms.CharField(
        label=_("Indicators for similar cities (separated by commas)"), max_length=600, required=False
    )


def _years(request) -> int:
    text = request.GET.get("years", "5")
    try:
        years = int(text)
    except ValueError:
        years = 5
    return min(max(years, 1), MAX_YEARS)


def _context(request):
    """Everything the page and the exports show, for the user's peers (or ``?peers=`` / ``?home=``)."""
    peers = benchmark.peers_for(request.user)
    home = benchmark.region_key(request.GET["home"]) if request.GET.get("home") else peers.home
    chosen = benchmark.parse_regions(request.GET["peers"]) if request.GET.get("peers") else list(peers.peers)
    chosen = [p for p in chosen if p != home][:12]
    wanted = [i for i in request.GET.getlist("indicator") if i]
    own = request.user.organisation.path if request.user.organisation_id else ""
    values = benchmark.visible_values(request.user)
    regions = [home, *chosen]
    data = benchmark.collect(values, regions, wanted or None, own)
    years = _years(request)
    lags = benchmark.lag_table(data, home, chosen, years=years)
    everything = benchmark.collect(values, None, None, own)
    sim_indicators = [i for i in peers.similarity_indicators if i in everything] or sorted(
        name for name, s in everything.items() if home in s.series
    )[:4]
    similar = benchmark.similar_cities(everything, home, sim_indicators) if home else None
    return {
        "peers": peers,
        "home": home,
        "chosen": chosen,
        "regions": regions,
        "data": data,
        "lags": lags,
        "years": years,
        "similar": similar,
        "all_indicators": sorted(everything),
        "wanted": wanted,
    }


def benchmark_page(request):
    require(request.user, "indicator", "view")
    ctx = _context(request)
    data, regions = ctx["data"], ctx["regions"]
    charts, tables = [], []
    for k, (name, s) in enumerate(sorted(data.items())):
        years = s.years
        charts.append(
            {
                "id": f"bm-chart-{k}",
                "name": name,
                "unit": s.unit,
                "years": [str(y) for y in years],
                "series": [
                    {"name": r, "data": [s.series.get(r, {}).get(y) for y in years]}
                    for r in regions
                    if r in s.series
                ],
            }
        )
        tables.append(
            {
                "id": f"bm-chart-{k}",
                "name": name,
                "unit": s.unit,
                "years": years,
                "rows": [
                    {
                        "region": r,
                        "values": [s.series.get(r, {}).get(y) for y in years],
                        "example": any(region == r for region, _y in s.example),
                    }
                    for r in regions
                    if r in s.series
                ],
                "sources": benchmark.sources_joined(
                    sorted({src for r in regions for src in s.sources.get(r, ())})
                ),
                "example": bool(s.example),
            }
        )
    ctx.update(
        {
            "charts": charts,
            "tables": tables,
            "lag_rows": [
                {
                    **d,
                    "growth_pct": None if d["required_growth"] is None else d["required_growth"] * 100,
                    "gap": None if d["gap_years"] is None else f"{abs(d['gap_years']):.1f}",
                    "ahead": d["gap_years"] is not None and d["gap_years"] < 0,
                }
                for d in (r.as_dict() for r in ctx["lags"])
            ],
            "query": request.GET.urlencode(),
            "may_edit": can(request.user, "indicator", "change"),
            "may_import": can(request.user, "indicator", "add"),
            "any_example": any(t["example"] for t in tables),
        }
    )
    return TemplateResponse(request, "insight/benchmark.html", ctx)


def benchmark_export(request, fmt: str):
    """lag.xlsx (the lag table), values.xlsx (the figures shown), report.docx / report.pdf (one page)."""
    require(request.user, "indicator", "view")
    kind, _sep, suffix = fmt.partition(".")
    if (kind, suffix) not in {("lag", "xlsx"), ("values", "xlsx"), ("report", "docx"), ("report", "pdf")}:
        raise Http404
    ctx = _context(request)
    if kind == "lag":
        name = gettext("%(city)s-years-behind.xlsx") % {"city": ctx["home"]}
        return file_download(name, ".xlsx", lambda path: benchmark.write_lag_xlsx(ctx["lags"], path))
    if kind == "values":
        name = gettext("%(city)s-benchmark-indicators.xlsx") % {"city": ctx["home"]}
        return file_download(
            name, ".xlsx", lambda path: benchmark.write_values_xlsx(ctx["data"], ctx["regions"], path)
        )
    from zhaoshang.reports.document import render

    report = benchmark.benchmark_report(
        ctx["home"], ctx["chosen"], ctx["lags"], years=ctx["years"], similar=ctx["similar"]
    )
    name = gettext("%(city)s-benchmark-report") % {"city": ctx["home"]}
    return file_download(f"{name}.{suffix}", f".{suffix}", lambda path: render(report, path))


def peers_edit(request):
    require(request.user, "indicator", "change")
    if not request.user.organisation_id:
        raise Http404
    current = benchmark.peers_for(request.user)
    initial = {
        "home": current.home,
        "peers": "、".join(current.peers),
        "indicators": "、".join(current.similarity_indicators),
    }
    form = PeersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            benchmark.save_peers(
                request.user,
                request.user.organisation,
                home=form.cleaned_data["home"],
                peers=form.cleaned_data["peers"],
                indicators=[
                    p.strip()
                    for p in form.cleaned_data["indicators"].replace("，", ",").replace("、", ",").split(",")
                ],
            )
        except DomainError as exc:
            form.add_error(None, error_message(exc))
        else:
            return redirect("insight:benchmark")
    own = PeerGroup.objects.filter(organisation=request.user.organisation).first()
    status = 400 if form.errors else 200
    return TemplateResponse(
        request, "insight/benchmark_peers.html", {"form": form, "own": own, "current": current}, status=status
    )


def indicators_import(request):
    require(request.user, "indicator", "add")
    form = IndicatorImportForm(request.POST or None, request.FILES or None, user=request.user)
    result, refusal = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        suffix = Path(name).suffix.lower()[:10]
        name = (Path(name).stem[:80] + suffix) or "upload"
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / name
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = benchmark.import_indicators(
                    request.user,
                    target,
                    organisation=form.cleaned_data["organisation"],
                    private=form.cleaned_data["private"],
                    example=form.cleaned_data["example"],
                    dry_run=form.cleaned_data["dry_run"],
                    source_name=name,
                )
            except DomainError as exc:
                refusal = error_message(exc)
                form.add_error("file", refusal)
    status = 400 if (form.errors or (result and not result.ok)) else 200
    report = keep_issue_report(request.user, result.issues, "insight") if result and result.issues else None
    return TemplateResponse(
        request,
        "insight/benchmark_import.html",
        {"form": form, "result": result, "report": report},
        status=status,
    )


def import_report(request, token: str) -> HttpResponse:
    """The error report of the user's own last import (404 for anyone else's or an expired one)."""
    require(request.user, "indicator", "add")
    return issue_report_download(request.user, token, "insight", gettext("indicator-import-problems.xlsx"))
