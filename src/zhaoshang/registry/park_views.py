"""Parks' firms and the rules that place them (园区企业归属)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.accounts.models import Organisation
from zhaoshang.accounts.scoping import may_act_in, require, visible
from zhaoshang.core.messages import error_message
from zhaoshang.registry import parks
from zhaoshang.registry.models import Enterprise, FirmPark, ParkRule


def _parks():
    return Organisation.objects.filter(kind__in=parks.PARK_KINDS).order_by("path")


def park_list(request):
    require(request.user, "enterprise", "view")
    rows = list(_parks().annotate(rules=Count("park_rules", distinct=True)))
    counts = dict(
        visible(request.user, FirmPark.objects.all())
        .values_list("park_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for park in rows:
        park.firm_count = counts.get(park.pk, 0)
    return TemplateResponse(request, "registry/parks.html", {"parks": rows})


def park_detail(request, pk):
    require(request.user, "enterprise", "view")
    park = get_object_or_404(_parks(), pk=pk)
    firms = visible(request.user, parks.firms_in(park).select_related("park_link")).order_by("name")
    page = Paginator(firms, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "registry/park_detail.html",
        {
            "park": park,
            "rules": park.park_rules.all(),
            "page": page,
            "kinds": ParkRule.Kind.choices,
            "can_edit": may_act_in(request.user, "enterprise", "change", park),
        },
    )


def _editable_park(request, pk) -> Organisation:
    park = get_object_or_404(_parks(), pk=pk)
    if not may_act_in(request.user, "enterprise", "change", park):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return park


@require_POST
def park_rule_add(request, pk):
    park = _editable_park(request, pk)
    try:
        priority = int(request.POST.get("priority") or 0)
        parks.add_rule(
            request.user,
            park,
            kind=request.POST.get("kind", ""),
            pattern=request.POST.get("pattern", ""),
            priority=priority,
        )
    except (parks.ParkError, ValueError) as exc:
        messages.error(request, error_message(exc))
    else:
        counts = parks.assign_parks(actor=request.user)
        messages.success(request, _("Rule added; %(placed)d firms placed, %(moved)d moved.") % counts)
    return redirect("registry:park", pk=park.pk)


@require_POST
def park_rule_delete(request, pk, rule_pk):
    park = _editable_park(request, pk)
    rule = get_object_or_404(ParkRule, pk=rule_pk, park=park)
    parks.remove_rule(request.user, rule)
    parks.assign_parks(actor=request.user)
    messages.success(request, _("Rule removed."))
    return redirect("registry:park", pk=park.pk)


@require_POST
def park_firm_add(request, pk):
    """Put a firm the user may change in this park by hand (credit code or exact name)."""
    park = _editable_park(request, pk)
    text = (request.POST.get("firm") or "").strip()
    firm = (
        visible(
            request.user,
            Enterprise.objects.filter(uscc=text.upper()) | Enterprise.objects.filter(name=text),
            "change",
        ).first()
        if text
        else None
    )
    if firm is None:
        messages.error(request, _("No firm you may change has this credit code or name."))
    else:
        parks.set_park(request.user, firm, park)
        messages.success(request, _("%(firm)s is now in %(park)s.") % {"firm": firm.name, "park": park.name})
    return redirect("registry:park", pk=park.pk)
