"""Service-desk pages: the officer's and handler's lists, an appeal's page and its steps, rates, recurring problems.

Thin adapters: scoping through `accounts.scoping`, every change through `service.services`.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import can, get_for_user, require, visible
from zhaoshang.core.locking import StaleEdit, claim_version
from zhaoshang.core.messages import error_message, translated_issue
from zhaoshang.service import forms as f
from zhaoshang.service import services as s
from zhaoshang.service.models import Appeal, StructuralProblem


def _appeal(request, pk, action="view") -> Appeal:
    return get_for_user(
        request.user,
        Appeal.objects.select_related("department", "receiving_org", "category", "handler", "enterprise"),
        pk,
        action,
    )


def clock(appeal: Appeal, today: date, soon: date) -> str:
    """red: overdue, amber: due within a working day, '' otherwise (closed appeals have no clock)."""
    if not appeal.is_open:
        return ""
    if appeal.handling_due < today:
        return "red"
    if appeal.handling_due <= soon:
        return "amber"
    return ""


def with_clocks(appeals, user) -> list[Appeal]:
    today = timezone.localdate()
    try:
        soon = s.working_calendar().add_working_days(today, 1)
    except Exception:  # noqa: BLE001 - a calendar problem must not hide the list
        soon = today + timedelta(days=1)
    out = []
    for a in appeals:
        a.clock = clock(a, today, soon)
        a.shown_phone = a.phone if s.may_see_personal(user, a) else s.mask_phone(a.phone)
        out.append(a)
    return out


def appeal_list(request):
    require(request.user, "appeal", "view")
    qs = visible(request.user, Appeal.objects.select_related("department", "category", "receiving_org"))
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.exclude(status=Appeal.Status.CLOSED)
    elif state == "closed":
        qs = qs.filter(status=Appeal.Status.CLOSED)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(firm_name__icontains=q) | qs.filter(ticket=q) | qs.filter(tracking_code=q.upper())
    page = Paginator(qs.order_by("handling_due", "id"), 50).get_page(request.GET.get("page"))
    page.object_list = with_clocks(page.object_list, request.user)
    return TemplateResponse(request, "service/list.html", {"page": page, "state": state, "q": q})


def appeal_new(request):
    require(request.user, "appeal", "add")
    form = f.CadreAppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            appeal = s.receive_appeal(
                request.user,
                channel=d["channel"],
                firm_name=d["firm"],
                firm_uscc=d["uscc"],
                contact=d["contact"],
                phone=d["phone"],
                category=d["category"],
                urgent=d["urgent"],
                title=d["title"],
                content=d["content"],
            )
        except s.ServiceError as exc:
            form.add_error(None, error_message(exc))
        else:
            return redirect("service:detail", appeal.pk)
    return TemplateResponse(request, "service/new.html", {"form": form}, status=400 if form.errors else 200)


def appeal_detail(request, pk, forms_=None):
    appeal = _appeal(request, pk)
    user = request.user
    may_change = (
        can(user, "appeal", "change")
        and visible(user, Appeal.objects.filter(pk=appeal.pk), "change").exists()
    )
    context = {
        "appeal": with_clocks([appeal], user)[0],
        "events": appeal.events.select_related("actor", "from_org", "to_org", "recipient"),
        "joint": appeal.joint.select_related("department"),
        "attachments": appeal.attachments.all(),
        "may_change": may_change,
        "route_form": f.RouteForm(),
        "joint_form": f.JointForm(),
        "reason_form": f.ReasonForm(),
        "reply_form": f.ReplyForm(),
        "close_form": f.CloseForm(),
        "rate_form": f.RateForm(),
        "personal": s.may_see_personal(user, appeal),
        "is_handler": appeal.handler_id == user.pk,
    }
    context.update(forms_ or {})
    return TemplateResponse(request, "service/detail.html", context, status=400 if forms_ else 200)


ACTIONS = {
    "assign": (
        f.RouteForm,
        lambda u, a, d: s.assign_appeal(u, a, d["department"], reason=d.get("reason", "")),
        "route_form",
    ),
    "transfer": (
        f.RouteForm,
        lambda u, a, d: s.transfer_appeal(u, a, d["department"], reason=d.get("reason", "")),
        "route_form",
    ),
    "accept": (None, lambda u, a, d: s.accept_appeal(u, a), None),
    "send_back": (f.ReasonForm, lambda u, a, d: s.send_back_appeal(u, a, reason=d["reason"]), "reason_form"),
    "joint": (
        f.JointForm,
        lambda u, a, d: s.add_joint_departments(u, a, d["departments"], note=d.get("note", "")),
        "joint_form",
    ),
    "pause": (f.ReasonForm, lambda u, a, d: s.pause_appeal(u, a, reason=d["reason"]), "reason_form"),
    "resume": (None, lambda u, a, d: s.resume_appeal(u, a), None),
    "reply": (f.ReplyForm, lambda u, a, d: s.reply_to_firm(u, a, d["text"]), "reply_form"),
    "close": (
        f.CloseForm,
        lambda u, a, d: s.close_appeal(u, a, result=d["result"], note=d.get("note", "")),
        "close_form",
    ),
    "rate": (
        f.RateForm,
        lambda u, a, d: s.record_satisfaction(u, a, d["satisfaction"], note=d.get("note", "")),
        "rate_form",
    ),
}


@require_POST
def appeal_action(request, pk, action):
    if action not in ACTIONS:
        from django.http import Http404

        raise Http404
    appeal = _appeal(request, pk, "change")
    form_class, run, name = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return appeal_detail(request, pk, {name: form})
    read = request.POST.get("version", "")
    try:
        with (
            transaction.atomic()
        ):  # the page's version is claimed with the action: a stale page changes nothing
            if read.isdigit():
                claim_version(appeal, int(read))
            run(request.user, appeal, form.cleaned_data if form else {})
    except StaleEdit as exc:  # someone acted on the appeal since this page was read: show them the latest
        messages.error(request, error_message(exc))
        return redirect("service:detail", pk)
    except s.ServiceError as exc:
        if form is None:
            messages.error(request, error_message(exc))
            return redirect("service:detail", pk)
        form.add_error(None, error_message(exc))
        return appeal_detail(request, pk, {name: form})
    messages.success(request, _("Saved."))
    return redirect("service:detail", pk)


# ------------------------------------------------------------------------------------------------ rates


def _period(request) -> tuple[date, date, f.PeriodForm]:
    form = f.PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return start, end, form


def rates_dashboard(request):
    require(request.user, "appeal", "view")
    start, end, form = _period(request)
    qs = s.appeals_in_period(start, end, user=request.user)
    data = s.dashboard(qs)
    by_department = data["department"]
    worst = sorted(
        (d for d in by_department if d["received"] >= 3 and d["response_rate"] is not None),
        key=lambda d: (d["on_time_rate"] if d["on_time_rate"] is not None else 1, d["response_rate"]),
    )[:5]
    context = {
        "form": form,
        "start": start,
        "end": end,
        "overall": data["overall"],
        "definitions": s.RATE_DEFINITIONS,
        "by_department": by_department,
        "by_category": data["category"],
        "by_channel": data["channel"],
        "worst": worst,
        "chart": s.chart_data(data),
    }
    return TemplateResponse(request, "service/rates.html", context)


def rates_months(request):
    """The rates by month of receipt, as JSON for the dashboard's chart: a request of its own, so the page does not
    wait for the extra scan (the chart module fetches it)."""
    from django.http import JsonResponse

    require(request.user, "appeal", "view")
    start, end, _form = _period(request)
    qs = s.appeals_in_period(start, end, user=request.user)
    return JsonResponse(s.month_chart_data(s.monthly_rates(qs)))


def rates_report(request, fmt):
    require(request.user, "appeal", "view")
    start, end, _form = _period(request)
    from zhaoshang.service.reports import monthly_docx, monthly_xlsx

    qs = s.appeals_in_period(start, end, user=request.user)
    buffer = io.BytesIO()
    if fmt == "xlsx":
        monthly_xlsx(qs, start, end, buffer)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        monthly_docx(qs, start, end, buffer)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(buffer.getvalue(), content_type=ctype)
    response["Content-Disposition"] = (
        f'attachment; filename="service-{start.isoformat()}-{end.isoformat()}.{fmt}"'
    )
    return response


# ------------------------------------------------------------------------------------------------ recurring problems


def clusters_page(request):
    require(request.user, "appeal", "view")
    start, end, form = _period(request)
    if not request.GET.get("start"):
        start = end - timedelta(days=365)
    clusters = s.recurring_problems(start, end, user=request.user)
    problems = visible(request.user, StructuralProblem.objects.select_related("owner"))[:50]
    return TemplateResponse(
        request,
        "service/clusters.html",
        {"form": form, "clusters": clusters, "problems": problems, "start": start, "end": end},
    )


@require_POST
def raise_problem(request):
    require(request.user, "appeal", "add")
    ids = [int(i) for i in request.POST.getlist("appeal") if i.isdigit()]
    appeals = list(visible(request.user, Appeal.objects.filter(pk__in=ids)))
    title = request.POST.get("title", "").strip()[:200]
    if not appeals or not title:
        raise PermissionDenied
    s.raise_structural_problem(
        request.user, title=title, appeals=appeals, terms=request.POST.get("terms", "").split("、")
    )
    messages.success(request, _("Raised as a structural problem."))
    return redirect("service:clusters")


# ------------------------------------------------------------------------------------------------ import


def _may_import(user) -> bool:
    return bool(user.is_superuser or can(user, "appeal", "add"))


def import_page(request):
    """Upload a 12345 export: saved, then imported in the background while the run's page shows the progress."""
    from zhaoshang.service.importing import start_web_import
    from zhaoshang.service.models import ImportRun

    if not _may_import(request.user):
        raise PermissionDenied
    form = f.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = start_web_import(request.user, upload, upload.name, dry_run=form.cleaned_data["dry_run"])
        return redirect("service:import_run", run.pk)
    runs = ImportRun.objects.filter(created_by=request.user).defer("issues")[:20]
    return TemplateResponse(
        request, "service/import.html", {"form": form, "runs": runs}, status=400 if form.errors else 200
    )


def _import_run(request, pk):
    from zhaoshang.service.models import ImportRun

    if not _may_import(request.user):
        raise PermissionDenied
    return get_for_user(request.user, ImportRun.objects.select_related("organisation", "created_by"), pk)


def _run_context(run, user) -> dict:
    from zhaoshang.service import importing

    live = importing.live_progress(run.pk)
    done, total = live if live else (run.rows_done, run.rows_total)
    interrupted = importing.interruption(run)
    running = run.status in (run.Status.PENDING, run.Status.RUNNING) and not interrupted
    issues = run.issues or []
    return {
        "run": run,
        "running": running,
        "interrupted": interrupted,
        "done_rows": done,
        "total_rows": total,
        "percent": min(int(done * 100 / total), 100) if total else 0,
        "counts": run.counts or {},
        "problems": [translated_issue(i) for i in issues[:200]],
        "may_download": importing.may_download_issues(user, run),
        "may_rerun": importing.may_download_issues(user, run)
        and (run.status == run.Status.FAILED or bool(interrupted)),
    }


def import_run(request, pk):
    run = _import_run(request, pk)
    return TemplateResponse(request, "service/import_run.html", _run_context(run, request.user))


def import_progress(request, pk):
    """The progress fragment the run's page polls with htmx; once the import has ended the page reloads."""
    run = _import_run(request, pk)
    context = _run_context(run, request.user)
    response = TemplateResponse(request, "service/import_run.html#progress", context)
    if not context["running"] and request.htmx:
        response["HX-Refresh"] = "true"
    return response


def import_errors(request, pk):
    """The row-numbered error file (tabular's report): only for whoever ran the import and administrators."""
    import tempfile
    from pathlib import Path

    from django.http import FileResponse

    from zhaoshang.service.importing import may_download_issues
    from zhaoshang.tabular.issues import write_issue_report
    from zhaoshang.web.exports import issue_report_options

    run = _import_run(request, pk)
    if not may_download_issues(request.user, run):
        raise PermissionDenied
    handle = tempfile.TemporaryFile()
    write_issue_report(run.issues or [], handle, **issue_report_options())
    handle.seek(0)
    stem = Path(run.file_name).stem or "import"
    return FileResponse(handle, as_attachment=True, filename=f"{stem}_{_('problems')}.xlsx")


@require_POST
def import_rerun(request, pk):
    from zhaoshang.service.importing import rerun_import

    run = _import_run(request, pk)
    try:
        rerun_import(request.user, run)
    except s.ServiceError as exc:
        messages.error(request, error_message(exc))
    return redirect("service:import_run", run.pk)


# ------------------------------------------------------------------------------------------------ visits


def visits_page(request):
    from zhaoshang.service.models import Visit

    require(request.user, "appeal", "view")
    today = timezone.localdate()
    start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    end = (start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    visits = visible(request.user, Visit.objects.select_related("enterprise", "officer")).filter(
        planned_for__gte=start, planned_for__lte=end
    )
    context = {
        "visits": visits.order_by("done_on", "planned_for")[:200],
        "coverage": s.visit_coverage(start, end, user=request.user),
        "start": start,
        "end": end,
        "form": f.VisitForm(),
    }
    return TemplateResponse(request, "service/visits.html", context)


@require_POST
def visit_record(request, pk):
    from zhaoshang.service.models import Visit

    visit = get_for_user(request.user, Visit.objects.select_related("enterprise"), pk, "add")
    form = f.VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write what the visit found."))
        return redirect("service:visits")
    d = form.cleaned_data
    appeal = s.record_visit(
        request.user, visit, findings=d["findings"], appeal_text=d["problem"], category=d["category"]
    )
    if appeal is not None:
        return redirect("service:detail", appeal.pk)
    messages.success(request, _("Saved."))
    return redirect("service:visits")


# ------------------------------------------------------------------------------------------------ structural problems


def problems_page(request):
    require(request.user, "appeal", "view")
    problems = s.open_structural_problems(request.user, limit=200)
    closed = visible(request.user, StructuralProblem.objects.select_related("owner")).filter(
        status__in=(StructuralProblem.Status.DONE, StructuralProblem.Status.DROPPED)
    )[:50]
    return TemplateResponse(
        request,
        "service/problems.html",
        {"problems": problems, "closed": closed, "today": timezone.localdate()},
    )


def problem_edit(request, pk):
    """Edit a structural problem: owner, decision and what will change, deadline, outcome, status (locked edit)."""

    problem = get_for_user(
        request.user,
        StructuralProblem.objects.select_related("owner").prefetch_related("appeals"),
        pk,
        "change",
    )
    initial = {
        "title": problem.title,
        "owner": problem.owner_id,
        "decision": problem.decision,
        "decision_text": problem.decision_text,
        "deadline": problem.deadline,
        "outcome": problem.outcome,
        "status": problem.status,
        "version": problem.version or 0,
    }
    form = f.ProblemForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = dict(form.cleaned_data)
            version = d.pop("version")
            try:
                s.update_structural_problem(request.user, problem, expected_version=version or 0, **d)
            except StaleEdit as exc:
                form.add_error(None, error_message(exc))
                status = 409
            except s.ServiceError as exc:
                form.add_error(None, error_message(exc))
                status = 400
            else:
                messages.success(request, _("Saved."))
                return redirect("service:problems")
        else:
            status = 400
    appeals = problem.appeals.all()[:50]
    return TemplateResponse(
        request,
        "service/problem_edit.html",
        {"form": form, "problem": problem, "appeals": appeals},
        status=status,
    )


# ------------------------------------------------------------------------------------------------ administrators


def _admin(request) -> None:
    if not s.may_administer(request.user):
        raise PermissionDenied


def departments_page(request):
    """Departments a 12345 import created from an unknown 承办单位: confirm, rename or merge into an existing one."""
    from zhaoshang.service.models import DepartmentReview

    _admin(request)
    reviews = DepartmentReview.objects.filter(confirmed_at__isnull=True).select_related("organisation")
    done = (
        DepartmentReview.objects.filter(confirmed_at__isnull=False)
        .select_related("organisation", "merged_into", "confirmed_by")
        .order_by("-confirmed_at")[:30]
    )
    return TemplateResponse(
        request,
        "service/departments.html",
        {
            "reviews": reviews.order_by("created_at"),
            "done": done,
            "merge_form": f.DepartmentMergeForm(),
        },
    )


@require_POST
def department_decide(request, pk, action):
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    from zhaoshang.service.models import DepartmentReview

    _admin(request)
    review = get_object_or_404(DepartmentReview.objects.select_related("organisation"), pk=pk)
    if action == "confirm":
        form = f.DepartmentConfirmForm(request.POST)
        if form.is_valid():
            s.confirm_department(request.user, review, name=form.cleaned_data["name"])
            messages.success(request, _("Department confirmed."))
        else:
            messages.error(request, _("Please check the name."))
    elif action == "merge":
        form = f.DepartmentMergeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose the organisation to merge into."))
        else:
            try:
                moved = s.merge_department(request.user, review, form.cleaned_data["target"])
            except s.ServiceError as exc:
                messages.error(request, error_message(exc))
            else:
                messages.success(request, _("Merged; %(n)d appeals moved.") % {"n": moved})
    else:
        raise Http404
    return redirect("service:departments")


def directory_page(request):
    """Upload a directory file (departments and users): a preview (dry run) with its errors, then the import."""
    import secrets as _secrets
    from pathlib import Path

    from django.conf import settings

    from zhaoshang.service.directory import import_directory

    _admin(request)
    folder = Path(settings.MEDIA_ROOT) / "service_directory"
    form = f.DirectoryForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        # the second step: import the previewed file
        path = next(folder.glob(f"{token}.*"), None) if token.isalnum() and len(token) == 32 else None
        if path is None:
            messages.error(
                request, _("The previewed file is no longer on the server; please upload it again.")
            )
            return redirect("service:directory")
        try:
            result = import_directory(request.user, path, dry_run=False)
        except s.ServiceError as exc:
            form = f.DirectoryForm()
            form.add_error(None, error_message(exc))
            context = {"form": form}
            status = 400
        else:
            path.unlink(missing_ok=True)
            context.update({"form": f.DirectoryForm(), "result": result, "imported": True})
            status = 200 if not result.errors else 400
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            form.add_error("file", _("Upload an XLSX or CSV file."))
            status = 400
        else:
            folder.mkdir(parents=True, exist_ok=True)
            token = _secrets.token_hex(16)
            path = folder / f"{token}{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = import_directory(request.user, path, dry_run=True)
            except s.ServiceError as exc:
                path.unlink(missing_ok=True)
                form.add_error("file", error_message(exc))
                status = 400
            else:
                if result.errors:
                    path.unlink(missing_ok=True)
                    status = 400
                context.update(
                    {"result": result, "token": "" if result.errors else token, "file_name": upload.name}
                )
    elif request.method == "POST":
        status = 400
    return TemplateResponse(request, "service/directory.html", context, status=status)
