"""Policy pages: the library with clauses beside their rules, forms, import/export, a firm's matches, and the
免申即享 list of a clause. Thin adapters over `policies.services`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.models import User
from zhaoshang.accounts.scoping import can, get_for_user, require, visible
from zhaoshang.core.messages import error_message
from zhaoshang.policies import services
from zhaoshang.policies.core import conditions as cond_core
from zhaoshang.policies.forms import AssignForm, ClauseForm, ImportForm, PolicyForm, PushRecordForm
from zhaoshang.policies.messages import describe
from zhaoshang.policies.models import Clause, Policy, Push
from zhaoshang.registry.models import Enterprise
from zhaoshang.web.exports import file_download


def policy_list(request):
    require(request.user, "policy", "view")
    today = timezone.localdate()
    policies = list(visible(request.user, Policy.objects.prefetch_related("clauses")))
    for p in policies:
        p.active = p.in_force(today)
    return TemplateResponse(
        request,
        "policies/policy_list.html",
        {"policies": policies, "can_edit": can(request.user, "policy", "add")},
    )


def _rules(clause: Clause) -> list[dict]:
    return [{"text": describe(c), "line": cond_core.format_condition_line(c)} for c in clause.conditions]


def policy_detail(request, pk):
    policy = get_for_user(request.user, Policy, pk)
    clauses = list(policy.clauses.all())
    pushes = (
        visible(request.user, Push.objects.filter(clause__policy=policy))
        if can(request.user, "policy_push", "view")
        else Push.objects.none()
    )
    counts: dict[int, int] = {}
    for clause_id in pushes.values_list("clause_id", flat=True):
        counts[clause_id] = counts.get(clause_id, 0) + 1
    for c in clauses:
        c.rules = _rules(c)
        c.n_pushes = counts.get(c.pk, 0)
    return TemplateResponse(
        request,
        "policies/policy_detail.html",
        {
            "policy": policy,
            "clauses": clauses,
            "versions": policy.versions.select_related("changed_by")[:20],
            "can_edit": can(request.user, "policy", "change"),
            "can_push": can(request.user, "policy_push", "view"),
            "active": policy.in_force(timezone.localdate()),
        },
    )


def source_document(request, pk):
    """The uploaded source document (logged-in users; media files are not served as static files)."""
    policy = get_for_user(request.user, Policy, pk)
    if not policy.source_file:
        raise Http404
    return FileResponse(policy.source_file.open("rb"), filename=Path(policy.source_file.name).name)


def policy_edit(request, pk=None):
    policy = get_for_user(request.user, Policy, pk, "change") if pk else None
    if policy is None:
        require(request.user, "policy", "add")
    initial = {f: getattr(policy, f) for f in ("code", *services.POLICY_FIELDS)} if policy else {}
    form = PolicyForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("source_file")
        code = data.pop("code") if policy is None else policy.code
        data.pop("code", None)
        try:
            saved, _created = services.save_policy(request.user, code=code, **data)
        except services.PoliciesError as exc:
            form.add_error(None, error_message(exc))
        else:
            if upload:
                saved.source_file.save(upload.name, upload, save=True)
            messages.success(request, _("Policy saved."))
            return redirect("policies:detail", pk=saved.pk)
    return TemplateResponse(
        request,
        "policies/policy_form.html",
        {"form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


def clause_edit(request, pk):
    if request.resolver_match.url_name == "clause_new":
        policy = get_for_user(request.user, Policy, pk, "change")
        clause = None
    else:
        clause = get_for_user(request.user, Clause.objects.select_related("policy"), pk, "change")
        policy = clause.policy
    initial = {}
    if clause:
        initial = {
            f: getattr(clause, f)
            for f in ("number", "title", "text", "benefit", "amount_wan", "no_application")
        }
        initial["conditions"] = cond_core.format_conditions(clause.conditions)
    form = ClauseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("number") if clause is None else clause.number
        data.pop("number", None)
        try:
            services.save_clause(request.user, policy, number=number, **data)
        except services.PoliciesError as exc:
            form.add_error("conditions" if exc.code == "condition_invalid" else None, error_message(exc))
        else:
            messages.success(request, _("Clause saved."))
            return redirect("policies:detail", pk=policy.pk)
    preview = []
    if form.is_bound and form.is_valid():
        preview = [describe(c) for c in form.cleaned_data["conditions"]]
    elif clause:
        preview = [describe(c) for c in clause.conditions]
    return TemplateResponse(
        request,
        "policies/clause_form.html",
        {"form": form, "policy": policy, "clause": clause, "preview": preview},
        status=400 if form.errors else 200,
    )


def import_view(request):
    require(request.user, "policy", "add")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".xls", ".csv", ".yaml", ".yml"):
            form.add_error("file", _("Use an XLSX, CSV or YAML file."))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"upload{suffix}"
                with path.open("wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                try:
                    result = services.import_policies(
                        request.user, path, dry_run=form.cleaned_data["dry_run"]
                    )
                except services.PoliciesError as exc:
                    form.add_error("file", error_message(exc))
    status = 400 if form.errors or (result and result.issues) else 200
    return TemplateResponse(request, "policies/import.html", {"form": form, "result": result}, status=status)


def export_view(request):
    require(request.user, "policy", "view")
    fmt = "yaml" if request.GET.get("format") == "yaml" else "xlsx"
    policies = visible(request.user, Policy.objects.all())
    return file_download(f"政策库.{fmt}", f".{fmt}", lambda path: services.export_policies(policies, path))


def _officers():
    return User.objects.filter(role="service_officer", is_active=True).order_by("username")


def _pushes_context(request, clause, **extra):
    pushes = visible(request.user, clause.pushes.select_related("enterprise", "assignee"))
    rows = list(pushes.order_by("state", "enterprise__name")[:500])
    may_change = set(
        visible(request.user, Push.objects.filter(pk__in=[p.pk for p in rows]), "change").values_list(
            "pk", flat=True
        )
    )
    for p in rows:
        p.can_change = p.pk in may_change
        p.form = PushRecordForm(initial={"state": p.state}, prefix=f"p{p.pk}")
    return {
        "clause": clause,
        "policy": clause.policy,
        "pushes": rows,
        "figures": services.push_figures(pushes),
        "rules": _rules(clause),
        "can_push": can(request.user, "policy_push", "add"),
        "assign_form": AssignForm(officers=_officers())
        if can(request.user, "policy_push", "change")
        else None,
        **extra,
    }


def pushes(request, pk):
    require(request.user, "policy_push", "view")
    clause = get_for_user(request.user, Clause.objects.select_related("policy"), pk)
    if request.GET.get("export") == "xlsx":
        return file_download(
            f"免申即享-{clause.policy.code}-{clause.number}.xlsx",
            ".xlsx",
            lambda path: services.export_pushes(visible(request.user, clause.pushes.all()), path),
        )
    return TemplateResponse(request, "policies/pushes.html", _pushes_context(request, clause))


@require_POST
def push(request, pk):
    require(request.user, "policy_push", "add")
    clause = get_for_user(request.user, Clause.objects.select_related("policy"), pk)
    try:
        result = services.push_clause(request.user, clause)
    except services.PoliciesError as exc:
        messages.error(request, error_message(exc))
        return TemplateResponse(
            request,
            "policies/pushes.html",
            _pushes_context(request, clause, error=error_message(exc)),
            status=400,
        )
    messages.success(request, _("%(eligible)d eligible firms; %(new)d new on the list.") % result)
    return redirect("policies:pushes", pk=clause.pk)


@require_POST
def assign(request, pk):
    require(request.user, "policy_push", "change")
    clause = get_for_user(request.user, Clause.objects.select_related("policy"), pk)
    form = AssignForm(request.POST, officers=_officers())
    ids = [i for i in request.POST.getlist("push") if i.isdigit()]
    chosen = visible(request.user, clause.pushes.filter(pk__in=ids), "change")
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose firms and an officer."))
        return TemplateResponse(request, "policies/pushes.html", _pushes_context(request, clause), status=400)
    n = services.assign_pushes(request.user, chosen, form.cleaned_data["assignee"])
    messages.success(request, _("%(n)d firms assigned.") % {"n": n})
    return redirect("policies:pushes", pk=clause.pk)


@require_POST
def push_record(request, pk):
    item = get_for_user(request.user, Push.objects.select_related("clause__policy"), pk, "change")
    form = PushRecordForm(request.POST, prefix=f"p{item.pk}")
    if form.is_valid():
        try:
            services.record_push(request.user, item, **form.cleaned_data)
        except services.PoliciesError as exc:
            return TemplateResponse(
                request,
                "policies/pushes.html",
                _pushes_context(request, item.clause, error=error_message(exc)),
                status=400,
            )
        messages.success(request, _("Saved."))
        return redirect("policies:pushes", pk=item.clause_id)
    return TemplateResponse(
        request,
        "policies/pushes.html",
        _pushes_context(request, item.clause, error=_("Check the form.")),
        status=400,
    )


def firm_matches(request, pk):
    """A firm's policy matches on a page of its own (the same section the firm profile shows)."""
    require(request.user, "policy", "view")
    firm = get_for_user(request.user, Enterprise, pk)
    return TemplateResponse(
        request,
        "policies/firm_matches.html",
        {"firm": firm, "section": {"policies": services.profile_matches(firm, request.user)}},
    )
