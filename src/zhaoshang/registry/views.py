"""Registry pages: the firm list (search, filters, export), the enterprise profile, imports, duplicates."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import (
    ReferenceNotVisible,
    assignable_organisations,
    can,
    get_for_user,
    require,
    visible,
)
from zhaoshang.core import hooks
from zhaoshang.core.locking import StaleEdit
from zhaoshang.core.messages import error_message, translated_issue
from zhaoshang.registry import search, services
from zhaoshang.registry.filters import EnterpriseFilterSet
from zhaoshang.registry.forms import EnterpriseEditForm, ImportForm
from zhaoshang.registry.messages import said_mapping
from zhaoshang.registry.models import DuplicateCandidate, Enterprise, ImportBatch
from zhaoshang.web.exports import issue_report_options

PAGE_SIZE = 50


# Sections other apps add to the profile: (dotted function(firm) -> data, template, context name).
def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _decorate(firms) -> None:
    for firm in firms:
        firm.region_label = services.region_name(firm.region_code)
        firm.is_local = services.is_local(firm.region_code)


def firm_list(request):
    require(request.user, "enterprise", "view")
    filterset = EnterpriseFilterSet(request.GET or None, queryset=services.search_enterprises(request.user))
    valid = filterset.is_bound and filterset.is_valid()
    queryset = filterset.qs if valid else services.search_enterprises(request.user)
    if filterset.is_bound and not valid:  # the form says what is wrong (e.g. a region name of several places)
        page = search.ResultPage(rows=[], count=0, capped=False, next_cursor=None, first=True)
    else:
        page = search.page_of(
            queryset.select_related("organisation"),
            query=filterset.query if valid else "",
            sort=filterset.sort_key if valid else None,
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
            plan=filterset.plan if valid else search.SearchPlan(None, filtered=False),
            unscoped=search.is_unscoped(request.user),
            base=filterset.base.select_related("organisation")
            if valid and filterset.base is not None
            else None,
        )
    _decorate(page.rows)
    base = _querystring(request, drop=("page", "cursor"))
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "querystring_base": (base + "&") if base else "",
        "export_query": base,
        "can_import": can(request.user, "import_batch", "add") and can(request.user, "enterprise", "add"),
        "can_review": can(request.user, "enterprise", "change"),
        "home_region": services.region_name(services.home_region()),
    }
    template = (
        "registry/list.html#results" if request.htmx and not request.htmx.boosted else "registry/list.html"
    )
    return TemplateResponse(request, template, context)


def firm_export(request):
    require(request.user, "enterprise", "view")
    filterset = EnterpriseFilterSet(request.GET or None, queryset=services.search_enterprises(request.user))
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(_("The filters are not valid."), status=400)
    queryset = filterset.qs if filterset.is_bound else services.search_enterprises(request.user)
    handle = tempfile.TemporaryFile()
    services.export_enterprises_xlsx(
        queryset, handle, labels=export_labels(), sheet_name=_("Firm list"), yes_no=(_("yes"), _("no"))
    )
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{_('Firm list')}.xlsx")


def export_labels() -> dict[str, str]:
    """The firm export's headers in the user's language (by column name of ``services.EXPORT_COLUMNS``)."""
    return {
        "uscc": _("Unified social credit code"),
        "name": _("Firm name"),
        "short_name": _("Short name"),
        "legal_rep": _("Legal representative"),
        "founded": _("Founded"),
        "capital_wan": _("Registered capital (10k)"),
        "currency": _("Currency"),
        "company_type": _("Company type"),
        "status": _("Registration status"),
        "address": _("Address"),
        "region_code": _("Region code"),
        "region": _("Region name"),
        "local": _("Local firm"),
        "industry_code": _("Industry code"),
        "scope": _("Business scope"),
        "employees": _("Employees"),
        "revenue_wan": _("Revenue (10k yuan)"),
        "tax_wan": _("Tax (10k yuan)"),
        "website": _("Website"),
        "tags": _("Tags"),
        "flags": _("To verify"),
        "source": _("Source"),
    }


def _profile_sections(firm, user) -> list[dict]:
    return [{"template": s.template, s.name: s.build(firm, user)} for s in hooks.profile_sections()]


def firm_detail(request, pk: int):
    require(request.user, "enterprise", "view")
    firm = get_for_user(
        request.user, Enterprise.objects.select_related("organisation", "import_batch", "merged_into"), pk
    )
    history = list(services.history_of(firm)[:100])
    batch = firm.import_batch
    context = {
        "firm": firm,
        "data": services.enterprise_as_dict(firm),
        "capital_cny": services.capital_in_cny_wan(firm),
        "region_label": services.region_name(firm.region_code),
        "is_local": services.is_local(firm.region_code),
        "batch": batch
        if batch is not None and visible(request.user, ImportBatch.objects.filter(pk=batch.pk)).exists()
        else None,
        "history": history,
        "merged_from": list(Enterprise.objects.filter(merged_into=firm).only("id", "name", "uscc")),
        "sections": _profile_sections(firm, request.user),
        "can_edit": not firm.merged_into_id
        and visible(request.user, Enterprise.objects.filter(pk=firm.pk), "change").exists(),
        "duplicates": list(
            DuplicateCandidate.objects.filter(
                Q(first=firm) | Q(second=firm), status=DuplicateCandidate.Status.OPEN
            )[:10]
        ),
    }
    return TemplateResponse(request, "registry/detail.html", context)


def firm_edit(request, pk: int):
    """Edit a firm's own data (org-scoped: who may change the firm); a stale form is refused with the other
    person's changes shown (409), the user's input kept."""
    require(request.user, "enterprise", "change")
    firm = get_for_user(request.user, Enterprise.objects.select_related("organisation"), pk, "change")
    if firm.merged_into_id:
        return redirect("registry:detail", pk=firm.merged_into_id)
    form = EnterpriseEditForm(request.POST or None, instance=firm, user=request.user)
    if request.method == "POST" and form.is_valid():
        firm.refresh_from_db()  # validating wrote the values into ``firm``; the service compares with the row
        try:
            changed = services.update_enterprise(
                request.user, firm, expected_version=form.cleaned_data.get("version"), **form.changes()
            )
        except StaleEdit as exc:
            firm.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(firm.version or 0)
            current = EnterpriseEditForm(instance=firm, user=request.user)
            for (
                name
            ) in exc.fields:  # what the others changed shows its new value, never silently written back
                if name in current.fields and name != "version":
                    value = current[name].value()
                    data[name] = "" if value is None else str(value)
            form = EnterpriseEditForm(data, instance=firm, user=request.user)
            form.is_valid()
            form.add_error(None, error_message(exc))
            return TemplateResponse(request, "registry/edit.html", {"form": form, "firm": firm}, status=409)
        except (services.RegistryError, ReferenceNotVisible) as exc:
            firm.refresh_from_db()
            form.add_error(None, error_message(exc))
            return TemplateResponse(request, "registry/edit.html", {"form": form, "firm": firm}, status=400)
        if changed:
            messages.success(request, _("Firm saved."))
        return redirect("registry:detail", pk=firm.pk)
    return TemplateResponse(
        request, "registry/edit.html", {"form": form, "firm": firm}, status=400 if form.errors else 200
    )


# --------------------------------------------------------------------------------------------- imports


def import_list(request):
    require(request.user, "import_batch", "view")
    batches = visible(request.user, ImportBatch.objects.select_related("organisation", "created_by")).defer(
        "issues", "mapping"
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.interrupted = services.interruption(batch)
    return TemplateResponse(
        request,
        "registry/imports.html",
        {"page": page, "querystring_base": "", "can_import": can(request.user, "import_batch", "add")},
    )


def import_new(request):
    require(request.user, "import_batch", "add")
    require(request.user, "enterprise", "add")
    organisations = assignable_organisations(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = services.start_import(
            request.user,
            data["file"],
            data["file"].name,
            data["organisation"],
            dry_run=data["dry_run"],
            strict=data["strict"],
            mapping=data["mapping"] or None,
            source=data["source"],
        )
        return redirect("registry:import_detail", pk=batch.pk)
    return TemplateResponse(request, "registry/import_form.html", {"form": form})


def _batch_context(batch: ImportBatch, user=None) -> dict:
    live = services.live_progress(batch.pk)
    done, total = live if live else (batch.rows_done, batch.rows_total)
    interrupted = services.interruption(batch)
    running = batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING) and not interrupted
    percent = int(done * 100 / total) if total else 0
    counts = batch.counts or {}
    issues = batch.issues or []
    return {
        "batch": batch,
        "running": running,
        "interrupted": interrupted,
        "can_rerun": user is not None
        and services.rerun_blocker(batch) is None
        and services.may_rerun(user, batch),
        "done_rows": done,
        "total_rows": total,
        "percent": min(percent, 100),
        "counts": counts,
        "count_items": [
            (_("Rows read"), counts.get("read", 0), "read"),
            (_("Firms created"), counts.get("created", 0), "created"),
            (_("Firms updated"), counts.get("updated", 0), "updated"),
            (_("Rows unchanged"), counts.get("unchanged", 0), "unchanged"),
            (_("Rows rejected"), counts.get("rejected", 0), "rejected"),
            (_("Rows flagged"), counts.get("flagged", 0), "flagged"),
        ],
        "problems": [translated_issue(i) for i in issues if i.get("severity") != "info"][:200],
        "problem_total": sum(1 for i in issues if i.get("severity") != "info"),
        "issue_total": len(issues),
        "mapping": said_mapping(batch.mapping or {}),
    }


def _batch_for(request, pk: int) -> ImportBatch:
    require(request.user, "import_batch", "view")
    return get_for_user(request.user, ImportBatch.objects.select_related("organisation", "created_by"), pk)


def import_detail(request, pk: int):
    batch = _batch_for(request, pk)
    return TemplateResponse(request, "registry/import_detail.html", _batch_context(batch, request.user))


def import_progress(request, pk: int):
    """The progress fragment the running import page polls; once the import ends, the page reloads."""
    batch = _batch_for(request, pk)
    context = _batch_context(batch, request.user)
    response = TemplateResponse(request, "registry/import_detail.html#progress", context)
    if not context["running"] and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def import_rerun(request, pk: int):
    """Re-run an interrupted or failed batch over its saved file (see services.rerun_import)."""
    batch = _batch_for(request, pk)
    try:
        services.rerun_import(request.user, batch)
    except services.RegistryError as exc:
        batch.refresh_from_db()
        context = {**_batch_context(batch, request.user), "rerun_error": error_message(exc)}
        return TemplateResponse(request, "registry/import_detail.html", context, status=409)
    messages.success(request, _("The import runs again."))
    return redirect("registry:import_detail", pk=batch.pk)


def import_report(request, pk: int):
    batch = _batch_for(request, pk)
    handle = tempfile.TemporaryFile()
    services.write_issue_report(batch.issues or [], handle, **issue_report_options())
    handle.seek(0)
    stem = Path(batch.file_name).stem or "import"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}_{_('problems')}.xlsx")


# --------------------------------------------------------------------------------------------- duplicates


def duplicates(request):
    require(request.user, "enterprise", "change")
    pairs = _pairs_for(
        request.user, DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN)
    ).select_related("first", "second", "first__organisation", "second__organisation")
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    for pair in page.object_list:
        _decorate([pair.first, pair.second])
    return TemplateResponse(request, "registry/duplicates.html", {"page": page, "querystring_base": ""})


@require_POST
def duplicates_detect(request):
    require(request.user, "enterprise", "change")
    n = services.detect_duplicates(request.user)
    messages.success(request, _("%(n)d new probable duplicates found.") % {"n": n})
    return redirect("registry:duplicates")


def _pairs_for(user, pairs):
    """Pairs the user may act on: both firms visible to them (a pair never shows another organisation's firm)."""
    firms = visible(user, Enterprise.objects.all())
    return visible(user, pairs, "change").filter(first__in=firms, second__in=firms)


def _pair_for(request, pk: int) -> DuplicateCandidate:
    require(request.user, "enterprise", "change")
    firms = visible(request.user, Enterprise.objects.all())
    readable = DuplicateCandidate.objects.select_related("first", "second").filter(
        first__in=firms, second__in=firms
    )
    pair = get_for_user(request.user, readable, pk, "change")  # 404 unseen, 403 seen but not theirs to decide
    if pair.status != DuplicateCandidate.Status.OPEN:
        raise Http404
    return pair


@require_POST
def duplicate_merge(request, pk: int):
    pair = _pair_for(request, pk)
    keep_id = request.POST.get("keep")
    if str(keep_id) == str(pair.first_id):
        keep, drop = pair.first, pair.second
    elif str(keep_id) == str(pair.second_id):
        keep, drop = pair.second, pair.first
    else:
        return HttpResponse(_("Choose the firm to keep."), status=400)
    try:
        services.merge_enterprises(request.user, keep, drop, candidate=pair)
    except services.RegistryError as exc:
        messages.error(request, error_message(exc))
        return redirect("registry:duplicates")
    messages.success(request, _("Merged into %(name)s.") % {"name": keep.name})
    return redirect(reverse("registry:detail", args=[keep.pk]))


@require_POST
def duplicate_dismiss(request, pk: int):
    pair = _pair_for(request, pk)
    services.dismiss_duplicate(request.user, pair)
    messages.success(request, _("Marked as different firms."))
    return redirect("registry:duplicates")


def firm_by_code(request, code: str):
    """/registry/code/<USCC>/ → the profile (for links from other apps and documents)."""
    require(request.user, "enterprise", "view")
    firm = get_object_or_404(visible(request.user, Enterprise.objects.all()), uscc=code.upper())
    return redirect("registry:detail", pk=firm.pk)
