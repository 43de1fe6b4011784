"""Insight analysis pages: what to attract next (opportunities), the complexity space, the IO supply gap.

Thin views: the numbers come from :mod:`zhaoshang.insight.analysis_services`; every page needs the chain view right (the
opportunities link to the chain's targets) and names only firms the user may see.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.accounts.scoping import can, require
from zhaoshang.core.errors import DomainError
from zhaoshang.core.messages import error_message, is_chinese
from zhaoshang.insight import analysis_services as analysis
from zhaoshang.insight.models import ComplexitySnapshot, InputOutputTable
from zhaoshang.insight.opportunities import COMPONENTS, PRESETS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _home(request) -> str:
    from zhaoshang.registry.services import home_region

    org = getattr(request.user, "organisation", None)
    while org is not None:
        if org.region_code:
            return org.region_code
        org = org.parent
    return home_region()


def _region(request) -> str:
    code = (request.GET.get("region") or "").strip()
    if code:
        if not (code.isdigit() and len(code) == 6):
            messages.error(request, _("A region is a 6-digit code; the home region is shown."))
            return _home(request)
        return code
    return _home(request)


def _weights(request) -> dict[str, float] | None:
    """User weights from ``w_density`` … ``w_chain`` (any given); None when none is given."""
    given = {c: request.GET.get(f"w_{c}", "").strip() for c in COMPONENTS}
    if not any(given.values()):
        return None
    out = {}
    for c, text in given.items():
        try:
            out[c] = float(text) if text else 0.0
        except ValueError:
            raise DomainError(
                _("The weight “%(name)s” should be a number, not “%(text)s”") % {"name": c, "text": text}
            ) from None
    return out


def _opportunity_context(request) -> dict:
    region = _region(request)
    context: dict = {
        "region": region,
        "snapshots": list(ComplexitySnapshot.objects.order_by("name")),
        "presets": list(PRESETS),
        "components": COMPONENTS,
        "can_rebuild": can(request.user, "chain", "change"),
        "result": None,
        "error": None,
    }
    snapshot = analysis.pick_snapshot(request.GET.get("snapshot") or None, region)
    context["snapshot"] = snapshot
    if snapshot is None:
        return context
    preset = request.GET.get("preset") or "balanced"
    try:
        weights = _weights(request)
        top = min(max(int(request.GET.get("top") or 30), 1), 500)
    except (DomainError, ValueError) as exc:
        context["error"] = (
            error_message(exc) if isinstance(exc, DomainError) else _("Top must be a whole number.")
        )
        return context
    try:
        result = analysis.opportunities_for(
            snapshot,
            region_code=region,
            location=(request.GET.get("location") or "").strip() or None,
            preset=preset,
            weights=weights,
            user=request.user,
            limit=top,
        )
    except DomainError as exc:
        context["error"] = error_message(exc)
        return context
    context.update(
        result=result,
        preset=preset,
        weights=weights,
        weight_percent={c: round(v * 100) for c, v in result.weights.items()},
        target_links=[
            {
                "chain": result.chain_names.get(slug, slug),
                "keys": keys,
                "xlsx": analysis.targets_link(slug, keys, region, "xlsx"),
                "docx": analysis.targets_link(slug, keys, region, "docx"),
            }
            for slug, keys in result.node_keys.items()
        ],
        query=request.GET.urlencode(),
        locations=sorted((snapshot.labels or {}).get("locations", {}).items()),
    )
    return context


def opportunities(request):
    require(request.user, "chain", "view")
    context = _opportunity_context(request)
    template = "insight/analysis_next.html#table" if request.htmx else "insight/analysis_next.html"
    # htmx swaps only 2xx answers: the partial carries the message itself
    status = 400 if context["error"] and not request.htmx else 200
    return TemplateResponse(request, template, context, status=status)


def opportunities_export(request, fmt: str):
    require(request.user, "chain", "view")
    if fmt not in ("xlsx", "docx"):
        return HttpResponse(_("Unknown format."), status=404)
    context = _opportunity_context(request)
    result = context["result"]
    if result is None:
        return HttpResponse(context["error"] or _("No complexity snapshot yet."), status=400)
    header, rows = analysis.opportunity_table(result)
    name = f"opportunities-{result.location}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(analysis.xlsx_bytes(header, rows), content_type=XLSX)
    else:
        weights = ("，" if is_chinese() else ", ").join(
            f"{analysis.COMPONENT_LABELS[c]} {v:.0%}" for c, v in result.weights.items()
        )
        intro = [
            _(
                "Region: %(name)s (%(code)s), complexity snapshot: %(snapshot)s, %(present)s industries present locally, ECI %(eci)s."
            )
            % {
                "name": result.location_name,
                "code": result.location,
                "snapshot": result.snapshot.name,
                "present": result.present,
                "eci": f"{result.eci:.2f}",
            },
            _(
                "Weights: %(weights)s. The score is the weighted sum of the z-scores; related industries are the local ones closest by proximity."
            )
            % {"weights": weights},
        ]
        short = [r[:4] + [r[-5], r[-3], r[-2]] for r in rows]
        head = header[:4] + [header[-5], header[-3], header[-2]]
        response = HttpResponse(
            analysis.docx_bytes(_("What to attract next: opportunity industries ranked"), intro, head, short),
            content_type=DOCX,
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def space(request):
    require(request.user, "chain", "view")
    region = _region(request)
    snapshot = analysis.pick_snapshot(request.GET.get("snapshot") or None, region)
    context: dict = {
        "region": region,
        "snapshot": snapshot,
        "snapshots": list(ComplexitySnapshot.objects.all()),
    }
    if snapshot is not None:
        try:
            location = (request.GET.get("location") or "").strip() or analysis.default_location(
                snapshot, region
            )
            graph = analysis.space_graph(snapshot, location)
        except DomainError as exc:
            context["error"] = error_message(exc)
            return TemplateResponse(request, "insight/analysis_space.html", context, status=400)
        context.update(
            location=location,
            location_name=(snapshot.labels or {}).get("locations", {}).get(location, location),
            graph=graph,
            present=sum(1 for n in graph["nodes"] if n["present"]),
            locations=sorted((snapshot.labels or {}).get("locations", {}).items()),
            legend={"present": _("Present (RCA ≥ 1)"), "absent": _("Not yet")},
        )
    return TemplateResponse(request, "insight/analysis_space.html", context)


@require_POST
def rebuild(request):
    """(Re)build a registry complexity snapshot (chain office, administrators)."""
    require(request.user, "chain", "change")
    try:
        snapshot = analysis.build_snapshot(
            request.user,
            by=request.POST.get("by") or "class",
            measure=request.POST.get("measure") or "firms",
            level=request.POST.get("level") or "county",
            region_prefix=(request.POST.get("region_prefix") or "").strip(),
        )
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("insight:next")
    messages.success(
        request,
        _("Complexity snapshot %(name)s built: %(l)s locations × %(a)s activities.")
        % {"name": snapshot.name, "l": snapshot.locations, "a": snapshot.activities},
    )
    return redirect(reverse("insight:next") + f"?snapshot={snapshot.name}")


def _uploaded_output(request) -> dict[str, float] | None:
    """The region's output table posted with the form (columns code, output), or None."""
    import tempfile
    from pathlib import Path

    upload = request.FILES.get("output") if request.method == "POST" else None
    if upload is None:
        return None
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DomainError(
            _("File %(name)s: the output table should be a CSV or XLSX file") % {"name": upload.name}
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"output{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            return analysis.read_regional_output(path)
        except DomainError as exc:
            raise _renamed(exc, path, upload.name) from None


def _renamed(exc: DomainError, path, name: str) -> DomainError:
    """The same error (code and params kept) naming the uploaded file instead of its temporary copy."""
    params = {k: name if v == str(path) else v for k, v in exc.params.items()}
    return DomainError(exc.message.replace(str(path), name), exc.code, **params)


def _supply_context(request) -> dict:
    region = _region(request)
    tables = list(InputOutputTable.objects.all())
    context: dict = {
        "region": region,
        "tables": tables,
        "gap": None,
        "error": None,
        "sectors": [],
        "can_edit_mapping": can(request.user, "reference", "change"),
    }
    name = request.GET.get("table") or (tables[0].name if tables else "")
    table = next((t for t in tables if t.name == name), None)
    context["table"] = table
    if table is None:
        if name and tables:
            context["error"] = _("No input-output table is named “%(name)s”") % {"name": name}
        return context
    io_table = table.table()
    context["sectors"] = list(zip(io_table.codes, io_table.names, strict=True))
    sector = (request.POST.get("sector") or request.GET.get("sector") or "").strip()
    if not sector:
        return context
    try:
        top = min(max(int(request.GET.get("top") or 40), 1), 500)
        context["gap"] = analysis.supply_gap(
            table,
            sector,
            region_code=region,
            user=request.user,
            limit=top,
            regional_output=_uploaded_output(request),
        )
    except DomainError as exc:
        context["error"] = error_message(exc)
    except ValueError:
        context["error"] = _("Top must be a whole number.")
    context["sector"] = sector
    context["query"] = request.GET.urlencode()
    return context


@require_http_methods(["GET", "POST"])
def supply(request):
    """GET: location quotients from the registry; POST with an output table (code, output): from that table."""
    require(request.user, "chain", "view")
    context = _supply_context(request)
    template = "insight/analysis_supply.html#table" if request.htmx else "insight/analysis_supply.html"
    status = 400 if context["error"] and not request.htmx else 200
    return TemplateResponse(request, template, context, status=status)


def supply_export(request, fmt: str):
    require(request.user, "chain", "view")
    if fmt not in ("xlsx", "docx"):
        return HttpResponse(_("Unknown format."), status=404)
    context = _supply_context(request)
    gap = context["gap"]
    if gap is None:
        return HttpResponse(context["error"] or _("Choose a table and a target sector."), status=400)
    header, rows = analysis.supply_gap_table(gap)
    if fmt == "xlsx":
        response = HttpResponse(analysis.xlsx_bytes(header, rows), content_type=XLSX)
    else:
        intro = [
            _("Target sector: %(name)s (%(code)s), input-output table: %(table)s, region: %(region)s.")
            % {
                "name": gap.sector_name,
                "code": gap.sector_code,
                "table": gap.table.name,
                "region": gap.region_code,
            },
            _(
                "Direct intermediate inputs per unit of output: %(direct)s in all, of which %(leakage)s bought outside (where the location quotient is below 1, 1 − location quotient counts as bought outside)."
            )
            % {"direct": f"{gap.direct_total:.4f}", "leakage": f"{gap.leakage_total:.4f}"},
        ]
        response = HttpResponse(
            analysis.docx_bytes(
                _("Input-output supply gap"), intro, header[:2] + header[3:9], [r[:2] + r[3:9] for r in rows]
            ),
            content_type=DOCX,
        )
    response["Content-Disposition"] = (
        f'attachment; filename="supply-gap-{gap.sector_code}-{gap.region_code}.{fmt}"'
    )
    return response


def mapping_export(request):
    require(request.user, "reference", "view")
    header, rows = analysis.export_sector_map()
    response = HttpResponse(analysis.xlsx_bytes(header, rows), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="io_sectors.xlsx"'
    return response


@require_POST
def mapping_import(request):
    """Replace the IO sector mapping from an uploaded file (administrators: reference data)."""
    import tempfile
    from pathlib import Path

    require(request.user, "reference", "change")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("insight:supply")
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        messages.error(request, _("The mapping must be a CSV or XLSX file."))
        return redirect("insight:supply")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"mapping{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            counts = analysis.import_sector_map(request.user, path)
        except DomainError as exc:
            messages.error(request, error_message(_renamed(exc, path, upload.name)))
            return redirect("insight:supply")
    messages.success(
        request,
        _("Mapping imported: %(counts)s.")
        % {"counts": ("，" if is_chinese() else ", ").join(f"{k}: {v}" for k, v in counts.items())},
    )
    return redirect("insight:supply")
