"""Approvals pages: thin adapters over `approvals.services`, every record fetched through the scoping helpers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.models import User
from zhaoshang.accounts.scoping import can, get_for_user, own_department, require, visible
from zhaoshang.approvals import services
from zhaoshang.approvals.forms import ItemForm, OpenCaseForm, PromiseForm, PromiseUpdateForm
from zhaoshang.approvals.models import ApprovalCase, ApprovalItem, Promise, TrackingCode
from zhaoshang.core.messages import error_message


def _agents(user):
    return User.objects.filter(role="service_officer", is_active=True).order_by("username")


def _open_form(request, data=None):
    return OpenCaseForm(
        data,
        projects=services.projects_for_new_case(request.user),
        types=services.project_types(),
        agents=_agents(request.user),
    )


def case_list(request):
    require(request.user, "approval_case", "view")
    cases = visible(
        request.user, ApprovalCase.objects.select_related("project", "organisation", "agent")
    ).annotate(
        n_items=Count("items"),
        n_done=Count("items", filter=Q(items__state__in=["done", "not_needed"])),
        n_open=Count("items", filter=Q(items__state="in_progress")),
    )
    page = Paginator(cases.order_by("-start", "-id"), 50).get_page(request.GET.get("page"))
    context = {"page": page, "can_open": can(request.user, "approval_case", "add")}
    if context["can_open"]:
        context["open_form"] = _open_form(request)
    return TemplateResponse(request, "approvals/case_list.html", context)


@require_POST
def case_open(request):
    require(request.user, "approval_case", "add")
    form = _open_form(request, request.POST)
    if form.is_valid():
        try:
            case = services.open_case(
                request.user,
                form.cleaned_data["project"],
                project_type=form.cleaned_data["project_type"],
                agent=form.cleaned_data["agent"],
            )
        except services.ApprovalsError as exc:
            form.add_error(None, error_message(exc))
        else:
            messages.success(request, _("Case opened."))
            return redirect("approvals:detail", pk=case.pk)
    cases = visible(request.user, ApprovalCase.objects.select_related("project"))
    page = Paginator(cases.order_by("-start", "-id"), 50).get_page(1)
    return TemplateResponse(
        request, "approvals/case_list.html", {"page": page, "can_open": True, "open_form": form}, status=400
    )


def _gantt(case, tl, today):
    start = tl.start
    rows = []
    for t in tl.items:
        rows.append(
            {
                "code": t.code,
                "name": t.name,
                "department": t.department,
                "state": t.state,
                "planned": [(t.planned_start - start).days, (t.planned_finish - start).days],
                "expected": [(t.expected_start - start).days, (t.expected_finish - start).days],
                "late": t.late,
                "critical": t.critical,
                "prerequisites": list(t.prerequisites),
                "dates": [t.expected_start.isoformat(), t.expected_finish.isoformat(), t.due.isoformat()],
            }
        )
    return {
        "start": start.isoformat(),
        "today": (today - start).days,
        "rows": rows,
        "labels": {"planned": _("Legal limit"), "expected": _("Expected / actual"), "today": _("Today")},
    }


def _detail_context(request, case, item_errors=None):
    today = timezone.localdate()
    user = request.user
    items = list(case.items.select_related("department", "agent"))
    tl = services.case_timeline(case, today)
    by_code = {t.code: t for t in tl.items}
    names = {i.code: i.name for i in items}
    may_change = {i.pk for i in visible(user, case.items.all(), "change")}
    for item in items:
        item.tl = by_code[item.code]
        item.prerequisite_names = [names.get(p, p) for p in item.prerequisites]
        item.can_change = item.pk in may_change
        item.form = ItemForm(
            initial={
                "state": item.state,
                "started_on": item.started_on,
                "done_on": item.done_on,
                "promise": item.promise,
                "materials_received": item.materials_received,
            },
            prefix=f"i{item.pk}",
            materials=item.materials,
        )
        item.error = (item_errors or {}).get(item.pk)
    summary = services.case_summary(case)
    promises = list(visible(user, Promise.objects.filter(project=case.project)).select_related("department"))
    for p in promises:
        p.overdue = p.state not in ("fulfilled", "broken") and p.deadline < today
    tracking = TrackingCode.objects.filter(project=case.project).first() if promises else None
    return {
        "case": case,
        "project": case.project,
        "items": items,
        "timeline": tl,
        "summary": summary,
        "today": today,
        "gantt": _gantt(case, tl, today),
        "promises": promises,
        "tracking": tracking,
        "promise_form": PromiseForm() if may_act_promise(user, case) else None,
    }


def may_act_promise(user, case) -> bool:
    from zhaoshang.accounts.scoping import may_act_in

    return may_act_in(user, "promise", "add", case.organisation)


def case_detail(request, pk):
    case = get_for_user(
        request.user, ApprovalCase.objects.select_related("project__investor", "organisation", "agent"), pk
    )
    return TemplateResponse(request, "approvals/case_detail.html", _detail_context(request, case))


@require_POST
def item_update(request, pk):
    item = get_for_user(request.user, ApprovalItem.objects.select_related("case__project"), pk, "change")
    form = ItemForm(
        request.POST,
        prefix=f"i{item.pk}",
        materials=item.materials if request.POST.get("back") != "items" else (),
    )
    error = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.update_item(
                request.user,
                item,
                add_trips=data.pop("add_trips") or 0,
                add_stamps=data.pop("add_stamps") or 0,
                **{
                    k: v
                    for k, v in data.items()
                    if not (k in ("started_on", "done_on") and v is None) and not (k == "note" and not v)
                },
            )
        except services.ApprovalsError as exc:
            error = error_message(exc)
        else:
            messages.success(request, _("Saved."))
    else:
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    back = request.POST.get("back")
    if error is None:
        if back == "items":
            return redirect("approvals:items")
        return redirect("approvals:detail", pk=item.case_id)
    if back != "items" and visible(request.user, ApprovalCase.objects.filter(pk=item.case_id)).exists():
        return TemplateResponse(
            request,
            "approvals/case_detail.html",
            _detail_context(request, item.case, {item.pk: error}),
            status=400,
        )
    messages.error(request, error)
    return TemplateResponse(request, "approvals/item_list.html", _items_context(request), status=400)


def _items_context(request):
    user = request.user
    items = visible(
        user, ApprovalItem.objects.exclude(state__in=["done", "not_needed"]), "view"
    ).select_related("case__project", "department")
    items = own_department(user, items)
    today = timezone.localdate()
    cal = services.calendar()
    rows = list(items.order_by("case__start", "order")[:300])
    may_change = set(
        visible(user, ApprovalItem.objects.filter(pk__in=[i.pk for i in rows]), "change").values_list(
            "pk", flat=True
        )
    )
    for item in rows:
        item.due = cal.add_working_days(item.started_on, item.limit_days) if item.started_on else None
        item.late = bool(item.due and item.due < today)
        item.can_change = item.pk in may_change
        item.form = ItemForm(
            initial={"state": item.state, "started_on": item.started_on, "promise": item.promise},
            prefix=f"i{item.pk}",
        )
    rows.sort(key=lambda i: (i.due is None, i.due or today, i.pk))
    return {"items": rows, "today": today}


def item_list(request):
    require(request.user, "approval_item", "view")
    return TemplateResponse(request, "approvals/item_list.html", _items_context(request))


@require_POST
def promise_new(request, pk):
    case = get_for_user(request.user, ApprovalCase.objects.select_related("project"), pk)
    if not may_act_promise(request.user, case):
        raise PermissionDenied
    form = PromiseForm(request.POST)
    if form.is_valid():
        try:
            services.create_promise(request.user, case.project, **form.cleaned_data)
            services.tracking_code(request.user, case.project)
        except services.ApprovalsError as exc:
            form.add_error("title", error_message(exc))
        else:
            messages.success(request, _("Promise recorded."))
            return redirect("approvals:detail", pk=case.pk)
    context = _detail_context(request, case)
    context["promise_form"] = form
    return TemplateResponse(request, "approvals/case_detail.html", context, status=400)


def promise_list(request):
    require(request.user, "promise", "view")
    today = timezone.localdate()
    promises = visible(request.user, Promise.objects.select_related("project", "department", "organisation"))
    if request.GET.get("overdue"):
        promises = services.overdue_promises(promises, today)
    rows = list(promises.order_by("deadline", "id")[:500])
    may_change = set(
        visible(request.user, Promise.objects.filter(pk__in=[p.pk for p in rows]), "change").values_list(
            "pk", flat=True
        )
    )
    for p in rows:
        p.overdue = p.state not in ("fulfilled", "broken") and p.deadline < today
        p.days_overdue = (today - p.deadline).days if p.overdue else 0
        p.can_change = p.pk in may_change
        p.form = PromiseUpdateForm(
            initial={"state": p.state, "evidence": p.evidence, "fulfilled_on": p.fulfilled_on},
            prefix=f"p{p.pk}",
        )
    return TemplateResponse(
        request,
        "approvals/promise_list.html",
        {"promises": rows, "today": today, "overdue_only": bool(request.GET.get("overdue"))},
    )


@require_POST
def promise_update(request, pk):
    promise = get_for_user(request.user, Promise.objects.all(), pk, "change")
    form = PromiseUpdateForm(request.POST, prefix=f"p{promise.pk}")
    if form.is_valid():
        try:
            services.update_promise(request.user, promise, **form.cleaned_data)
        except services.ApprovalsError as exc:
            messages.error(request, error_message(exc))
            response = promise_list(request)
            response.status_code = 400
            return response
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the form."))
    return redirect("approvals:promises")


def figures(request):
    require(request.user, "approval_case", "view")
    cases = visible(request.user, ApprovalCase.objects.all())
    data = services.city_figures(cases)
    chart = {
        "items": [r["name"] for r in data["per_item"]],
        "median": [r["median_days"] for r in data["per_item"]],
        "limit": [r["limit_days"] for r in data["per_item"]],
    }
    return TemplateResponse(
        request, "approvals/figures.html", {"data": data, "chart": chart, "n_cases": cases.count()}
    )


def public_track(request, code):
    """The firm's view of its project's promises (no login): only that project's promises and their state."""
    tracking = TrackingCode.objects.select_related("project").filter(code=code).first()
    if tracking is None:
        raise Http404
    today = timezone.localdate()
    promises = list(
        Promise.objects.filter(project=tracking.project)
        .select_related("department")
        .order_by("deadline", "id")
    )
    for p in promises:
        p.overdue = p.state not in ("fulfilled", "broken") and p.deadline < today
    return TemplateResponse(
        request,
        "approvals/public_track.html",
        {"project": tracking.project, "promises": promises, "today": today},
    )
