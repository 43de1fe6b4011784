from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import can, require, visible
from zhaoshang.core.models import AuditEntry
from zhaoshang.web.workbench import panels_for


def workbench(request):
    return TemplateResponse(request, "web/workbench.html", {"panels": panels_for(request)})


def organisations(request):
    require(request.user, "organisation", "view")
    orgs = list(
        visible(request.user, Organisation.objects.annotate(user_count=Count("users"))).order_by("path")
    )
    for org in orgs:
        org.depth = org.path.count("/") - 2
    return TemplateResponse(
        request,
        "web/organisations.html",
        {"organisations": orgs, "can_manage": can(request.user, "organisation", "change")},
    )


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _labelled(entry) -> tuple[str, list[tuple[str, object, object]]]:
    """The entry's object type and changed fields by their labels in the user's language (raw names as fallback)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    try:
        model = apps.get_model(entry.model)
    except (LookupError, ValueError):
        model = None
    rows = []
    for name, pair in (entry.changes or {}).items():
        label = name
        if model is not None:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                pass
        old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((label, old, new))
    return (str(model._meta.verbose_name) if model is not None else entry.model), rows


def audit(request):
    require(request.user, "audit_log", "view")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("actor", "model", "action", "object_id", "since", "until")
    }
    entries = visible(request.user, AuditEntry.objects.all())
    if filters["actor"]:
        entries = entries.filter(actor_name__icontains=filters["actor"])
    if filters["model"]:
        entries = entries.filter(model=filters["model"])
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["object_id"]:
        entries = entries.filter(object_id=filters["object_id"])
    if since := _parse_date(filters["since"]):
        entries = entries.filter(at__date__gte=since)
    if until := _parse_date(filters["until"]):
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.model_label, entry.labelled_changes = _labelled(entry)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "models": AuditEntry.objects.order_by().values_list("model", flat=True).distinct(),
        "actions": AuditEntry.Action.choices,
        "querystring_base": (query.urlencode() + "&") if query else "",
    }
    template = "web/audit.html#rows" if request.htmx else "web/audit.html"
    return TemplateResponse(request, template, context)


def _error(request, status: int, title: str, message: str):
    return render(
        request, "web/error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request, exception=None):
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def domain_error(request, exception):
    """A refused request explained: the DomainError's message in the user's language (by its code)."""
    from zhaoshang.core.messages import error_message

    return _error(request, 400, _("Bad request"), error_message(exception))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Forbidden"), _("Your role does not allow this."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("Not found"), _("This page does not exist or is not visible to you."))


def server_error(request):
    return _error(request, 500, _("Server error"), _("Something went wrong on our side; it has been logged."))
