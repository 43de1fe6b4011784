"""Pipeline pages: thin adapters over `pipeline.services`, every record fetched through the scoping helpers."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import (
    can,
    get_for_user,
    may_attach,
    report_organisations,
    require,
    sees_all,
    visible,
)
from zhaoshang.core.locking import StaleEdit
from zhaoshang.core.messages import error_message
from zhaoshang.pipeline import config, services
from zhaoshang.pipeline.filters import CoordinationItemFilter, ProjectFilter
from zhaoshang.pipeline.forms import (
    AdvanceForm,
    CarrierForm,
    CoordinationItemForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    FollowUpForm,
    ImportForm,
    ItemUpdateForm,
    MeetingForm,
    ProjectEditForm,
    ProjectForm,
)
from zhaoshang.pipeline.models import Carrier, CoordinationItem, ExtensionRequest, FollowUp, Project, Task
from zhaoshang.registry.models import Enterprise
from zhaoshang.web.exports import issue_report_download, keep_issue_report
from zhaoshang.web.redirects import safe_next


def _get_project_for_user(request, pk, action: str = "view") -> Project:
    return get_for_user(
        request.user,
        Project.objects.select_related("organisation", "owner", "investor", "carrier"),
        pk,
        action,
    )


def _querystring_base(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return (query.urlencode() + "&") if query else ""


# --- projects ----------------------------------------------------------------------------------------------


LIST_FIELDS = (
    "id",
    "name",
    "stage",
    "planned_investment_wan",
    "last_followup_on",
    "created_at",
    "organisation__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "investor__name",
)


def project_list(request):
    require(request.user, "project", "view")
    projects = visible(request.user, Project.objects.all())
    filterset = ProjectFilter(request.GET or None, queryset=projects, request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else projects
    # the columns of the list only (a firm's row holds its whole business scope)
    rows = qs.select_related("organisation", "owner", "investor").only(*LIST_FIELDS)
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    cold_ids = set(
        Project.objects.filter(pk__in=[p.pk for p in page.object_list])
        .filter(services.cold_filter())
        .values_list("pk", flat=True)
    )
    for p in page.object_list:
        p.stage_name = config.stage_name(p.stage)
        p.is_cold = p.pk in cold_ids
    context = {
        "filter": filterset if filterset.is_bound else ProjectFilter(queryset=projects, request=request),
        "page": page,
        "querystring_base": _querystring_base(request),
        "can_add": can(request.user, "project", "add"),
    }
    template = "pipeline/project_list.html#rows" if request.htmx else "pipeline/project_list.html"
    return TemplateResponse(request, template, context)


def project_new(request):
    require(request.user, "project", "add")
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.create_project(
                request.user,
                investor_name=data.pop("investor_name"),
                investor_uscc=data.pop("investor_uscc"),
                **data,
            )
        except services.PipelineError as exc:
            form.add_error("investor_name", error_message(exc))
        else:
            warning = services.duplicate_warning_text(services.duplicate_investor_warning(project))
            if warning:
                messages.warning(request, warning)
            messages.success(request, _("Project created."))
            return redirect("pipeline:detail", pk=project.pk)
    return TemplateResponse(
        request, "pipeline/project_form.html", {"form": form}, status=400 if form.errors else 200
    )


def investor_options(request):
    """Registry firms the user may see whose name contains what was typed: <option>s for the investor field."""
    require(request.user, "project", "add")
    text = (request.GET.get("investor_name") or request.GET.get("q") or "").strip()
    firms = []
    if len(text) >= 2:
        firms = list(
            visible(request.user, Enterprise.objects.filter(name__icontains=text, merged_into__isnull=True))
            .order_by("name")
            .values("name", "uscc")[:15]
        )
    return TemplateResponse(request, "pipeline/_investor_options.html", {"firms": firms})


def project_edit(request, pk):
    project = _get_project_for_user(request, pk, "change")
    form = ProjectEditForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        # validating wrote the values into ``project``; the service compares against the stored row
        project.refresh_from_db()
        try:
            if services.update_project(
                request.user, project, expected_version=form.cleaned_data.get("version"), **form.changes()
            ):
                messages.success(request, _("Project saved."))
        except StaleEdit as exc:
            # the user's input stays, against the current version: after reading the other changes, saving again works
            # fields the others changed show their new values (never silently written back)
            project.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(project.version or 0)
            current = ProjectEditForm(instance=project, user=request.user)
            for name in exc.fields:
                if name in current.fields and name != "version":
                    value = current[name].value()
                    data[name] = "" if value is None else str(value)
            form = ProjectEditForm(data, instance=project, user=request.user)
            form.is_valid()
            form.add_error(None, error_message(exc))
            return TemplateResponse(
                request, "pipeline/project_form.html", {"form": form, "project": project}, status=409
            )
        return redirect("pipeline:detail", pk=pk)
    return TemplateResponse(
        request,
        "pipeline/project_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


def _detail_context(request, project: Project, **forms) -> dict:
    user = request.user
    carriers = (
        visible(user, Carrier.objects.all()) if can(user, "carrier", "view") else Carrier.objects.none()
    )
    followups = list(project.followups.select_related("created_by")[:50])
    return {
        "project": project,
        "stage_name": config.stage_name(project.stage),
        "stages": [
            {"code": s.code, "name": config.stage_name(s.code), "current": s.code == project.stage}
            for s in config.stage_model().main_stages
        ],
        "warning": services.duplicate_warning_text(services.duplicate_investor_warning(project)),
        "followups": followups,
        "events": [
            {
                "event": e,
                "from": config.stage_name(e.from_stage) if e.from_stage else "—",
                "to": config.stage_name(e.to_stage),
            }
            for e in project.stage_events.select_related("by").order_by("-date", "-id")[:30]
        ],
        "items": list(project.coordination_items.select_related("department")),
        "tasks": list(project.tasks.filter(done_at__isnull=True).select_related("assignee")),
        "nodes": list(project.nodes.select_related("chain")),
        "matches": services.match_carriers(project, carriers)[:10],
        "can_change": can(user, "project", "change")
        and visible(user, Project.objects.filter(pk=project.pk), "change").exists(),
        "can_follow": can(user, "followup", "add"),
        "can_add_item": can(user, "coordination_item", "add"),
        "advance_form": forms.get("advance_form") or AdvanceForm(project=project, carriers=carriers),
        "followup_form": forms.get("followup_form") or FollowUpForm(initial={"date": timezone.localdate()}),
        "item_form": forms.get("item_form") or CoordinationItemForm(),
        "today": timezone.localdate(),
    }


def project_detail(request, pk):
    project = _get_project_for_user(request, pk)
    return TemplateResponse(request, "pipeline/project_detail.html", _detail_context(request, project))


@require_POST
def project_advance(request, pk):
    project = _get_project_for_user(request, pk, "change")
    carriers = visible(request.user, Carrier.objects.all())
    form = AdvanceForm(request.POST, project=project, carriers=carriers)
    if form.is_valid():
        try:
            services.advance_project(
                request.user,
                project,
                form.cleaned_data["stage"],
                reason=form.cleaned_data["reason"],
                **form.stage_fields(),
            )
        except services.StageRequirementsMissing as exc:
            form.add_error(None, error_message(exc))
            for name, _label in exc.missing:
                field = name.removesuffix("_id")
                if field in form.fields:
                    form.fields[field].widget.attrs["aria-invalid"] = "true"
                    form.fields[field].widget.attrs["class"] = "missing"
        except services.PipelineError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Moved to %(stage)s.") % {"stage": config.stage_name(project.stage)})
            if request.htmx:
                return HttpResponse(
                    status=204, headers={"HX-Redirect": reverse("pipeline:detail", args=[project.pk])}
                )
            return redirect("pipeline:detail", pk=project.pk)
    project.refresh_from_db()
    context = _detail_context(request, project, advance_form=form)
    if request.htmx:  # htmx swaps only 2xx answers: the form with its errors replaces the old one
        return TemplateResponse(request, "pipeline/project_detail.html#advance", context)
    return TemplateResponse(request, "pipeline/project_detail.html", context, status=400)


@require_POST
def followup_new(request, pk):
    project = _get_project_for_user(request, pk)
    require(request.user, "followup", "add")
    if not may_attach(request.user, "followup", project.organisation):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.record_followup(request.user, project, **form.cleaned_data)
        except services.PipelineError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("pipeline:detail", pk=project.pk)
    return TemplateResponse(
        request,
        "pipeline/project_detail.html",
        _detail_context(request, project, followup_form=form),
        status=400,
    )


@require_POST
def followup_done(request, pk):
    followup = get_for_user(request.user, FollowUp.objects.select_related("project"), pk, "change")
    services.close_next_action(request.user, followup)
    return redirect(safe_next(request, "web:workbench"))


@require_POST
def task_done(request, pk):
    task = get_for_user(request.user, Task, pk, "change")
    services.complete_task(request.user, task)
    return redirect(safe_next(request, "web:workbench"))


@require_POST
def from_target(request):
    """One click on a chain's target list: the target becomes a lead of the user's team.

    The firm must be one the user may see (the chains page lists only those); another organisation's firm
    answers 404 like any other record out of scope."""
    require(request.user, "project", "add")
    org = request.user.organisation
    if org is None:
        raise PermissionDenied
    try:
        enterprise_id = int(request.POST.get("enterprise") or 0)
    except ValueError:
        enterprise_id = 0
    firm = get_for_user(request.user, Enterprise, enterprise_id)
    try:
        project, created = services.create_lead_from_target(
            request.user,
            chain=request.POST.get("chain", ""),
            node_key=request.POST.get("node", ""),
            enterprise_id=firm.pk,
            organisation=org,
            owner=request.user,
        )
    except services.PipelineError as exc:
        messages.error(request, error_message(exc))
        return redirect(safe_next(request, "pipeline:list"))
    messages.success(
        request, _("Lead created.") if created else _("This target is already a project of your team.")
    )
    warning = services.duplicate_warning_text(services.duplicate_investor_warning(project))
    if warning:
        messages.warning(request, warning)
    return redirect("pipeline:detail", pk=project.pk)


# --- coordination items ------------------------------------------------------------------------------------


@require_POST
def item_new(request, pk):
    project = _get_project_for_user(request, pk)
    require(request.user, "coordination_item", "add")
    form = CoordinationItemForm(request.POST)
    if form.is_valid():
        services.create_coordination_item(request.user, project, **form.cleaned_data)
        messages.success(request, _("Coordination item added."))
        return redirect("pipeline:detail", pk=project.pk)
    return TemplateResponse(
        request, "pipeline/project_detail.html", _detail_context(request, project, item_form=form), status=400
    )


def item_list(request):
    require(request.user, "coordination_item", "view")
    items = visible(
        request.user, CoordinationItem.objects.select_related("project", "department", "organisation")
    )
    filterset = CoordinationItemFilter(request.GET or None, queryset=items)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else items
    page = Paginator(qs.order_by("due", "id"), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return TemplateResponse(
        request,
        "pipeline/item_list.html",
        {
            "filter": filterset if filterset.is_bound else CoordinationItemFilter(queryset=items),
            "page": page,
            "today": today,
            "overdue": services.overdue_by_department(items, today),
            "querystring_base": _querystring_base(request),
        },
    )


def _item_context(request, item, **forms) -> dict:
    sets_deadline = services.may_set_deadline(request.user, item)
    return {
        "item": item,
        "events": item.events.select_related("by"),
        "form": forms.get("form") or _item_form(request, item),
        "can_change": visible(request.user, CoordinationItem.objects.filter(pk=item.pk), "change").exists(),
        "sets_deadline": sets_deadline,
        "extension_form": forms.get("extension_form") or ExtensionRequestForm(),
        "extensions": list(item.extension_requests.select_related("requested_by", "decided_by")),
        "pending_extension": item.extension_requests.filter(status="pending").first(),
        "today": timezone.localdate(),
    }


def _item_form(request, item, data=None):
    form = ItemUpdateForm(data, initial={"status": item.status, "due": item.due, "version": item.version})
    if not services.may_set_deadline(request.user, item):
        del form.fields["due"]  # the department asks for more time instead (an extension request)
    return form


@require_POST
def item_extension(request, pk):
    item = get_for_user(
        request.user,
        CoordinationItem.objects.select_related("project", "department", "organisation"),
        pk,
        "change",
    )
    form = ExtensionRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_extension(request.user, item, **form.cleaned_data)
        except services.PipelineError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(
                request, _("Extension requested; the item keeps its deadline until the owner approves.")
            )
            return redirect("pipeline:item", pk=item.pk)
    return TemplateResponse(
        request, "pipeline/item_detail.html", _item_context(request, item, extension_form=form), status=400
    )


@require_POST
def extension_decide(request, pk):
    extension = get_for_user(
        request.user,
        ExtensionRequest.objects.select_related("item", "item__organisation", "item__project"),
        pk,
        "change",
    )
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return redirect("pipeline:item", pk=extension.item_id)
    try:
        services.decide_extension(
            request.user,
            extension,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except services.PipelineError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("pipeline:item", pk=extension.item_id)


def item_detail(request, pk):
    item = get_for_user(
        request.user, CoordinationItem.objects.select_related("project", "department", "organisation"), pk
    )
    form = _item_form(request, item, request.POST or None)
    status = 200
    if request.method == "POST":
        item = get_for_user(
            request.user,
            CoordinationItem.objects.select_related("project", "department", "organisation"),
            pk,
            "change",
        )
        if form.is_valid():
            data = dict(form.cleaned_data)
            expected = data.pop("version", None)
            try:
                services.update_coordination_item(request.user, item, expected_version=expected, **data)
            except StaleEdit as exc:
                item.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(item.version or 0)
                form = _item_form(request, item, data)
                form.is_valid()
                form.add_error(None, error_message(exc))
                status = 409
            except services.PipelineError as exc:
                form.add_error(None, error_message(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("pipeline:item", pk=item.pk)
        status = 409 if status == 409 else 400
    return TemplateResponse(
        request, "pipeline/item_detail.html", _item_context(request, item, form=form), status=status
    )


@require_POST
def item_done(request, pk):
    """One tap from the handler's workbench: the item is done."""
    item = get_for_user(request.user, CoordinationItem, pk, "change")
    try:
        services.update_coordination_item(
            request.user, item, status=CoordinationItem.Status.DONE, note=request.POST.get("note", "")
        )
    except services.PipelineError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Marked as done."))
    return redirect(safe_next(request, "web:workbench"))


# --- carriers ----------------------------------------------------------------------------------------------


def carrier_list(request):
    require(request.user, "carrier", "view")
    carriers = visible(request.user, Carrier.objects.select_related("organisation")).annotate(
        project_count=Count("projects")
    )
    kind = request.GET.get("kind", "")
    if kind:
        carriers = carriers.filter(kind=kind)
    form = None
    if can(request.user, "carrier", "add"):
        form = CarrierForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            services.save_carrier(
                request.user, organisation=data.pop("organisation"), name=data.pop("name"), **data
            )
            messages.success(request, _("Carrier saved."))
            return redirect("pipeline:carriers")
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(carriers.order_by("organisation__name", "kind", "name"), 50).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "pipeline/carrier_list.html",
        {
            "page": page,
            "form": form,
            "kinds": Carrier.Kind.choices,
            "kind": kind,
            "querystring_base": _querystring_base(request),
        },
    )


# --- meeting pack ------------------------------------------------------------------------------------------


def _quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = dt.date(today.year, first_month, 1)
    end = (dt.date(today.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


def rule_labels() -> dict[str, str]:
    """The ranking core's rule codes, translated (docs/PIPELINE.md explains them)."""
    return {
        "reached": _("stage reached"),
        "same_day": _("not counted: one stage per project per day"),
        "no_evidence": _("not counted: no evidence (date missing or in the future)"),
        "reverted": _("stage reverted: points taken back"),
    }


def explain_ranking(pack) -> list[dict]:
    labels = rule_labels()
    return [
        {
            "row": row,
            "lines": [
                {
                    "date": line.date,
                    "project": pack.project_names.get(line.project_id, line.project_id),
                    "stage": config.stage_name(line.stage),
                    "points": line.points,
                    "rule": labels.get(line.rule, line.rule),
                }
                for line in row.lines
            ],
        }
        for row in pack.ranking.rows
    ]


def meeting(request):
    require(request.user, "project", "view")
    start, end = services.default_meeting_period()
    form = MeetingForm(
        request.GET or None,
        initial={
            "start": start,
            "end": end,
            "org": None if sees_all(request.user, "project") else request.user.organisation,
        },
    )
    form.fields["org"].queryset = report_organisations(request.user, "project")
    if not sees_all(request.user, "project"):
        form.fields["org"].required = True
    pack = None
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["org"]
        try:
            pack = services.meeting_pack(org, form.cleaned_data["start"], form.cleaned_data["end"])
        except services.PipelineError as exc:
            form.add_error(None, error_message(exc))
        else:
            fmt = request.GET.get("format")
            if fmt in ("docx", "pdf"):
                return _download(pack, fmt)
    max_rows = config.meeting_max_rows()
    context = {
        "form": form,
        "pack": pack,
        "query": request.GET.urlencode(),
        "max_rows": max_rows,
        "row_slice": f":{max_rows}" if max_rows else ":",
        "explained": explain_ranking(pack) if pack else [],
    }
    return TemplateResponse(request, "pipeline/meeting.html", context)


def _download(pack, fmt: str):
    # rendered in a temporary folder that is removed before answering: the file is sent from memory
    with tempfile.TemporaryDirectory(prefix="zhaoshang-pack-") as directory:
        path = Path(directory) / f"pack.{fmt}"
        services.render_meeting_pack(pack, path)
        data = path.read_bytes()
    name = f"{_('Case analysis meeting pack')}_{pack.period.start:%Y%m%d}-{pack.period.end:%Y%m%d}.{fmt}"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name)


# --- dashboard ---------------------------------------------------------------------------------------------


def dashboard(request):
    require(request.user, "project", "view")
    projects = visible(request.user, Project.objects.all())
    data = services.dashboard(projects)
    chart = {
        "funnel": [
            {"name": r["name"], "value": r["reached"]} for r in data.funnel if r["reached"] is not None
        ],
        "stages": [r["name"] for r in data.funnel],
        "planned": [float(r["planned"]) for r in data.funnel],
        "signed": [float(r["signed"]) for r in data.funnel],
        "teams": [r["name"] for r in data.by_team],
        "team_planned": [float(r["planned"]) for r in data.by_team],
        "chains": [r["name"] for r in data.by_chain],
        "chain_counts": [r["count"] for r in data.by_chain],
        "months": [r["month"] for r in data.trend],
        "new": [r["new"] for r in data.trend],
        "signed_trend": [r["signed"] for r in data.trend],
    }
    return TemplateResponse(request, "pipeline/dashboard.html", {"data": data, "chart": chart})


# --- import ------------------------------------------------------------------------------------------------


def import_view(request):
    require(request.user, "project", "add")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # saved under the user's own file name (shortened), so that a refusal names the file the user chose
        name = Path(upload.name).name
        suffix = Path(name).suffix.lower()[:10]
        name = (Path(name).stem[:80] + suffix) or "upload"
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / name
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            from zhaoshang.pipeline.importing import ImportRefused

            try:
                result = services.import_projects(
                    request.user,
                    target,
                    organisation=form.cleaned_data["organisation"],
                    dry_run=form.cleaned_data["dry_run"],
                    owner=request.user,
                )
            except ImportRefused as exc:
                form.add_error("file", error_message(exc))
    status = 400 if (form.errors or (result and result.errors)) else 200
    report = keep_issue_report(request.user, result.issues, "pipeline") if result and result.issues else None
    context = {"form": form, "result": result, "report": report}
    return TemplateResponse(request, "pipeline/import.html", context, status=status)


def import_report(request, token: str):
    """The error report of the user's own last import (404 for anyone else's or an expired one)."""
    require(request.user, "project", "add")
    return issue_report_download(request.user, token, "pipeline", _("project-import-problems.xlsx"))
