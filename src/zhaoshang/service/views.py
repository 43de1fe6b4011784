"""Service-desk pages: the officer's and handler's lists, an appeal's page and its steps, rates, recurring problems.

Thin adapters: scoping through `accounts.scoping`, every change through `service.services`.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.scoping import can, get_for_user, require, visible
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
            form.add_error(None, str(exc))
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
    try:
        run(request.user, appeal, form.cleaned_data if form else {})
    except s.ServiceError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect("service:detail", pk)
        form.add_error(None, str(exc))
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
    }
    return TemplateResponse(request, "service/rates.html", context)


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


def import_page(request):
    from zhaoshang.service.importing import import_appeals

    if not (request.user.is_superuser or can(request.user, "appeal", "add")):
        raise PermissionDenied
    form = f.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        import tempfile
        from pathlib import Path

        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".xlsx"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                result = import_appeals(
                    request.user,
                    path,
                    dry_run=form.cleaned_data["dry_run"],
                    receiving_org=request.user.organisation,
                )
                result.file_name = upload.name
            except s.ServiceError as exc:
                form.add_error("file", str(exc))
    return TemplateResponse(
        request, "service/import.html", {"form": form, "result": result}, status=400 if form.errors else 200
    )


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
